<?xml version="1.0" encoding="UTF-8"?>
<!--
  Names and dates. A name with @ref links to its entry in the edition's
  register of persons or places and says there who it is; each mention has an
  id (m1, m2, ...) that the registers link back to. Dates become HTML time
  elements with the normalised date in @datetime.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="https://teikit.org/ns/xslt"
    xmlns="http://www.w3.org/1999/xhtml"
    exclude-result-prefixes="#all">

  <!-- The register entry a @ref points to ("#stalin"), or nothing. -->
  <xsl:function name="tk:entry" as="element()?">
    <xsl:param name="ref" as="xs:string?"/>
    <xsl:variable name="id" select="if (starts-with($ref, '#')) then substring($ref, 2) else ()"/>
    <xsl:sequence select="($registers ! key('tk:id', $id, .))[1]"/>
  </xsl:function>

  <!-- Each entry's link (from the site's root, escaped: tk:uri) and tooltip
       words, by id (the first entry of an id, as tk:entry finds it): tk:e
       elements, looked up by key. -->
  <xsl:function name="tk:entry-info" as="document-node()">
    <xsl:param name="registers" as="document-node()*"/>
    <xsl:document>
      <tk:entries>
        <xsl:for-each select="$registers//*[@xml:id]">
          <tk:e id="{@xml:id}" href="{tk:uri(tk:entry-page(.) || '.html#' || @xml:id)}"
              tip="{tk:entry-summary(.)}"/>
        </xsl:for-each>
      </tk:entries>
    </xsl:document>
  </xsl:function>

  <!-- by the @ref that points to the entry ("#stalin") -->
  <xsl:key name="tk:entry-info" match="tk:e" use="'#' || @id"/>

  <!-- The same, as a result document: teikit calls it once per process and
       passes it back, parsed, as $entry-info. -->
  <xsl:template name="tk:entry-info">
    <xsl:result-document href="entry-info.xml" format="tk:xml">
      <xsl:sequence select="tk:entry-info($registers)"/>
    </xsl:result-document>
  </xsl:template>

  <xsl:function name="tk:entry-page" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="if ($entry/self::tei:place) then 'places' else 'persons'"/>
  </xsl:function>

  <xsl:function name="tk:main-name" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="normalize-space((
        $entry/(tei:persName, tei:placeName, tei:orgName)[@type = 'main'],
        $entry/(tei:persName, tei:placeName, tei:orgName))[1])"/>
  </xsl:function>

  <!-- Mentions of registered names in the text, counted once per document
       by an accumulator (xsl:number would rescan the text for each name).
       The count starts at the document's text, so names in the header before
       it do not count. The document's summary (site_summary.py) counts them
       the same way. -->
  <xsl:accumulator name="tk:mentions" as="xs:integer" initial-value="0">
    <xsl:accumulator-rule match="tei:TEI/tei:text" select="0"/>
    <xsl:accumulator-rule select="$value + 1"
        match="tei:persName[@ref] | tei:placeName[@ref] | tei:orgName[@ref] | tei:rs[@ref]"/>
  </xsl:accumulator>

  <!-- The same numbers for the document being transformed, worked out once
       from its text's names alone: the accumulator visits every node of the
       document, and cost a tenth of a document's transform (notes.xsl does the
       same for footnotes). Only where the accumulator counts from one start:
       a document with one TEI/text. Elsewhere, and for the nodes of other
       documents (print's, the conventions' examples), the map has no entry and
       tk:mention-id asks the accumulator. -->
  <xsl:variable name="tk:mention-numbers" as="map(xs:string, xs:integer)">
    <xsl:try select="if (count(/descendant::tei:text[parent::tei:TEI]) eq 1)
        then tk:numbered(/tei:TEI/tei:text/descendant::*[self::tei:persName | self::tei:placeName
            | self::tei:orgName | self::tei:rs][@ref])
        else map{}">
      <!-- no document is being transformed: the edition's pages, print -->
      <xsl:catch select="map{}"/>
    </xsl:try>
  </xsl:variable>

  <!-- Each of $nodes (in document order, counted from its first) by
       generate-id(), with the value an accumulator counting them has after
       it: its place among them, plus those of them inside it. -->
  <xsl:function name="tk:numbered" as="map(xs:string, xs:integer)">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:sequence select="map:merge($nodes ! map:entry(generate-id(),
        position() + (if (*) then count(descendant::* intersect $nodes) else 0)))"
        xmlns:map="http://www.w3.org/2005/xpath-functions/map"/>
  </xsl:function>

  <xsl:function name="tk:mention-id" as="xs:string">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="n" select="$tk:mention-numbers(generate-id($name))"/>
    <xsl:sequence select="'m' || (if (exists($n)) then $n else $name/accumulator-after('tk:mentions'))"/>
  </xsl:function>

  <!-- A name: a link to its register entry, with an id the register links
       back to and a tooltip saying who or what it is; a name inside a linked
       name is a span (links do not nest). -->
  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:rs | tei:name" mode="tk:body">
    <xsl:variable name="info" select="key('tk:entry-info', string(@ref), $entry-info)[1]"/>
    <xsl:choose>
      <xsl:when test="empty($info)">
        <xsl:if test="@ref">
          <xsl:message select="'TK302&#9;' || path() || '&#9;' || local-name() || ' points to ' || @ref
              || ', which is in none of the registers'"/>
        </xsl:if>
        <span class="name {local-name()}{' unresolved'[current()/@ref]}"><xsl:apply-templates mode="#current"/></span>
      </xsl:when>
      <xsl:when test="ancestor::tei:persName[@ref] or ancestor::tei:placeName[@ref]
          or ancestor::tei:orgName[@ref] or ancestor::tei:rs[@ref]">
        <span class="name {local-name()}" id="{tk:mention-id(.)}">
          <xsl:apply-templates mode="#current"/>
          <span class="tip" role="tooltip" data-pagefind-ignore=""><xsl:value-of select="$info/@tip"/></span>
        </span>
      </xsl:when>
      <xsl:otherwise>
        <a class="name {local-name()}" href="{$tk:root}{$info/@href}" id="{tk:mention-id(.)}">
          <xsl:apply-templates mode="#current"/>
          <span class="tip" role="tooltip" data-pagefind-ignore=""><xsl:value-of select="$info/@tip"/></span>
        </a>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Who or what an entry is, in a line: its main name and its note, or
       what kind of entry it is when the register says no more. -->
  <xsl:function name="tk:entry-summary" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="note" select="normalize-space($entry/tei:note[1])"/>
    <xsl:sequence select="tk:main-name($entry) || (if ($note) then ': ' || $note
        else ' (' || tk:text(if ($entry/self::tei:place) then 'a-place' else 'a-person') || ')')"/>
  </xsl:function>

  <!-- A value HTML accepts in time/@datetime, or nothing. -->
  <xsl:function name="tk:datetime" as="xs:string?">
    <xsl:param name="when" as="xs:string?"/>
    <xsl:sequence select="$when[matches(., '^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+\-]\d{2}:\d{2})?)?)?)?$')]"/>
  </xsl:function>

  <!-- A date for readers: "8 July 1950, 09:26", "July 1950", "1950". The
       month's name comes from a list: format-date() costs more than the rest
       of a date's rendering. -->
  <xsl:variable name="tk:months" static="yes" as="xs:string+" select="('January', 'February', 'March',
      'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December')"/>

  <xsl:function name="tk:date-label" as="xs:string?">
    <xsl:param name="when" as="xs:string?"/>
    <xsl:variable name="month" select="if (tk:datetime($when) and string-length($when) ge 7)
        then $tk:months[xs:integer(substring($when, 6, 2))] else ()"/>
    <xsl:sequence select="
        if (empty($month)) then $when
        else if (string-length($when) = 7) then $month || ' ' || substring($when, 1, 4)
        else xs:integer(substring($when, 9, 2)) || ' ' || $month || ' ' || substring($when, 1, 4)
             || (if (contains($when, 'T')) then ', ' || substring($when, 12, 5) else '')"/>
  </xsl:function>

  <xsl:template match="tei:date" mode="tk:body">
    <xsl:variable name="dt" select="tk:datetime(@when)"/>
    <xsl:choose>
      <xsl:when test="$dt">
        <time class="date" datetime="{$dt}"><xsl:apply-templates mode="#current"/></time>
      </xsl:when>
      <xsl:otherwise>
        <span class="date"><xsl:apply-templates mode="#current"/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
