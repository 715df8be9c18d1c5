<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit's print edition: HTML for CSS Paged Media (print.css), laid out by
  WeasyPrint into PDF.

  It imports the HTML edition's stylesheet and overrides only what print
  needs: one text instead of two switchable views, marks in the print
  conventions of scholarly editions (and a page explaining them), notes as
  real footnotes numbered per document, names as plain text with anchors for
  the index, no links to pages of the site.

  Called by name. A document printed alone is one call of tk:print-main.
  The volume is laid out in parts, each starting on a new page (teikit's
  pdf_volume.py): the front matter, the documents in chunks, the index. Its
  parts link to each other through hrefs "teikit-anchor:ID", which teikit
  turns into links inside the merged PDF. What the volume's order, front
  matter and index need of every document is its summary (the one the HTML
  edition's own pages are made from: title, date, the mentions of registered
  names), so that no transform holds the whole edition's TEI at once.
    tk:print-order  the identifiers of the documents of $summaries in the
                    order of the volume, one a line;
    tk:print-main   the documents ($documents, already in order; in a volume
                    numbered from $first-n);
    tk:print-front  the volume's title page, colophon, contents (with the
                    pages of $doc-pages and $index-page), introduction and
                    conventions, numbered in roman numerals, from $summaries;
    tk:print-index  the index of persons and places, once teikit knows on
                    which page each mention fell ($anchor-pages), from
                    $summaries.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="https://teikit.org/ns/xslt"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    xmlns="http://www.w3.org/1999/xhtml"
    exclude-result-prefixes="#all">

  <xsl:import href="tei2html.xsl"/>

  <xsl:output method="html" html-version="5" encoding="UTF-8" include-content-type="no" indent="no"/>

  <!-- The TEI documents to print, each a document node. -->
  <xsl:param name="documents" as="document-node()*" select="()"/>

  <!-- Their identifiers (file stems), in the same order as $documents. -->
  <xsl:param name="doc-ids" as="xs:string*" select="()"/>

  <!-- The volume's documents summarised, each a tk:doc element (teikit's
       site_summary.py) under one root: the id, title and ISO date (@when,
       empty when the document has none) of each, and its tk:mention
       elements, whose @ref (without "#") and @anchor (m1, m2… as
       tk:mention-id counts them) locate each mention of a registered name
       (tk:print-order, tk:print-front, tk:print-index). -->
  <xsl:param name="summaries" as="document-node()?" select="()"/>

  <!-- A volume (title page, contents, conventions, index) or one document. -->
  <xsl:param name="volume" as="xs:boolean" select="false()"/>

  <!-- "anchor page" pairs, one a line (a string may hold many lines): on
       which page of the volume each mention anchor fell (tk:print-index). -->
  <xsl:param name="anchor-pages" as="xs:string*" select="()"/>

  <!-- The number in the volume of the first of $documents (tk:print-main). -->
  <xsl:param name="first-n" as="xs:integer" select="1"/>

  <!-- "id page" pairs: the page each document starts on (tk:print-front). -->
  <xsl:param name="doc-pages" as="xs:string*" select="()"/>

  <!-- The page the index starts on (tk:print-front). -->
  <xsl:param name="index-page" as="xs:integer" select="0"/>

  <!-- The part of the index to make (tk:print-index): its first and last
       entries, counted from 1 in the index's order; $index-to 0: to the end. -->
  <xsl:param name="index-from" as="xs:integer" select="1"/>
  <xsl:param name="index-to" as="xs:integer" select="0"/>
  <!-- The index's entries as tk:print-index-sizes made them (its result
       document index-entries.xml), or none: then they are worked out. -->
  <xsl:param name="index-entries" as="document-node()?" select="()"/>

  <!-- The part of the contents to make (tk:print-front): its first and last
       documents, counted from 1 in the volume's order; $contents-to 0: to
       the end. With the contents in parts, $front-pages gives the pages of
       the introduction and the conventions ("introduction 5"), which stand
       in another part. -->
  <xsl:param name="contents-from" as="xs:integer" select="1"/>
  <xsl:param name="contents-to" as="xs:integer" select="0"/>
  <xsl:param name="front-pages" as="xs:string*" select="()"/>

  <!-- Names of the fonts the PDF is set in, for the colophon. -->
  <xsl:param name="fonts" as="xs:string" select="''"/>

  <xsl:variable name="tk:print-l10n" as="map(xs:string, xs:string)" select="map {
      'contents': 'Contents',
      'introduction': 'Introduction',
      'index': 'Index of persons and places',
      'index-persons': 'Persons',
      'index-places': 'Places',
      'edited-by': 'Edited by',
      'reads': 'The document reads',
      'added': 'Added',
      'stamp': 'stamp',
      'printed': 'Printed as',
      'colophon-pdf': 'This PDF conforms to PDF/A-3b; the TEI source of each document is attached to it.',
      'set-in': 'Set in',
      'made': 'Made with teikit from the TEI files of the edition on',
      'document': 'Document'
    }"/>

  <xsl:function name="tk:p" as="xs:string">
    <xsl:param name="key" as="xs:string"/>
    <xsl:sequence select="($tk:print-l10n($key), tk:text($key))[1]"/>
  </xsl:function>

  <!-- Document node → its identifier. -->
  <xsl:variable name="tk:ids" as="map(xs:string, xs:string)" select="map:merge(
      for $i in 1 to count($documents) return map { generate-id($documents[$i]): ($doc-ids[$i], 'd' || $i)[1] })"/>

  <xsl:function name="tk:doc-id" as="xs:string">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="($tk:ids(generate-id(root($n))), 'd')[1]"/>
  </xsl:function>

  <!-- The summaries in the order of the volume: by date (undated first), then title. -->
  <xsl:variable name="tk:ordered" as="element(tk:doc)*">
    <xsl:perform-sort select="$summaries/*/tk:doc">
      <xsl:sort select="string(@when)"/>
      <xsl:sort select="string(@title)"/>
    </xsl:perform-sort>
  </xsl:variable>

  <!-- ===================================================== the pages -->

  <!-- A link from one part of the volume to an anchor in another. -->
  <xsl:function name="tk:part-href" as="xs:string">
    <xsl:param name="id" as="xs:string"/>
    <xsl:sequence select="'teikit-anchor:' || $id"/>
  </xsl:function>

  <xsl:template name="tk:not-tei">
    <xsl:for-each select="$documents[not(tei:TEI)]">
      <xsl:message select="'TK303&#9;' || path(*) || '&#9;the root element is ' || name(*) || ', not a TEI document'"/>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="tk:print-order">
    <xsl:value-of select="$tk:ordered ! string(@id)" separator="&#10;"/>
  </xsl:template>

  <xsl:template name="tk:print-main">
    <xsl:call-template name="tk:not-tei"/>
    <xsl:variable name="one" select="if ($volume) then () else $documents[1]/tei:TEI"/>
    <xsl:call-template name="tk:print-shell">
      <xsl:with-param name="title" select="if ($one) then tk:title($one) else $edition-title"/>
      <xsl:with-param name="tei" select="$one"/>
      <xsl:with-param name="content">
        <xsl:for-each select="$documents/tei:TEI">
          <xsl:apply-templates select="." mode="tk:print">
            <xsl:with-param name="n" select="position() + $first-n - 1"/>
          </xsl:apply-templates>
        </xsl:for-each>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- The front matter, or the part of it with the contents' entries
       $contents-from to $contents-to (0: to the end): the title page and
       colophon come with the first part, the introduction and the
       conventions with the last. -->
  <xsl:template name="tk:print-front">
    <xsl:call-template name="tk:print-shell">
      <xsl:with-param name="title" select="$edition-title"/>
      <xsl:with-param name="tei" select="()"/>
      <xsl:with-param name="content">
        <xsl:if test="$contents-from le 1">
          <xsl:call-template name="tk:title-page"/>
        </xsl:if>
        <xsl:call-template name="tk:contents"/>
        <xsl:if test="$contents-to le 0">
          <xsl:call-template name="tk:introduction"/>
          <xsl:call-template name="tk:print-conventions"/>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="tk:print-shell">
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="tei" as="element(tei:TEI)?"/>
    <xsl:param name="content" as="node()*"/>
    <xsl:param name="body-class" as="xs:string" select="if ($volume) then 'volume' else 'single'"/>
    <xsl:variable name="pd" select="$tei/tei:teiHeader/tei:profileDesc"/>
    <html lang="{($tei/@xml:lang, $pd/tei:langUsage/tei:language[1]/@ident, 'en')[1]}">
      <head>
        <meta charset="utf-8"/>
        <title><xsl:value-of select="$title"/></title>
        <meta name="author" content="{if ($tei) then string-join(distinct-values(tk:parties($tei, 'sent') ! normalize-space()), '; ')
            else $edition-editors}"/>
        <meta name="description" content="{if ($tei) then string-join($pd/tei:abstract/(tei:p, .[not(tei:p)]) ! normalize-space(), ' ')
            else string-join(($edition-title, $edition-editors[.] ! (tk:p('edited-by') || ' ' || .)), '. ')}"/>
        <meta name="keywords" content="{string-join(distinct-values((
            ($tei, $documents/tei:TEI, $summaries/*/tk:doc)[1] ! ($pd/tei:textClass//tei:term, 'TEI', 'scholarly edition') ! normalize-space(),
            ($tei/tei:teiHeader/tei:profileDesc/tei:correspDesc//(tei:persName | tei:placeName)) ! normalize-space())[.]), ', ')}"/>
        <meta name="generator" content="teikit"/>
      </head>
      <body class="{$body-class}" data-edition="{$edition-title}">
        <xsl:sequence select="$content"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="tk:title-page">
    <section class="title-page">
      <h1 class="volume-title" data-head=""><xsl:value-of select="$edition-title"/></h1>
      <xsl:if test="$edition-editors">
        <p class="editors"><xsl:value-of select="tk:p('edited-by') || ' ' || $edition-editors"/></p>
      </xsl:if>
      <xsl:variable name="dates" select="$tk:ordered ! string(@when)[.]"/>
      <p class="extent">
        <xsl:value-of select="tk:n-documents(count($tk:ordered))"/>
        <xsl:if test="exists($dates)">
          <xsl:value-of select="', ' || tk:date-label($dates[1]) || ' – ' || tk:date-label($dates[last()])"/>
        </xsl:if>
      </p>
      <xsl:if test="$edition-publisher"><p class="publisher"><xsl:value-of select="$edition-publisher"/></p></xsl:if>
    </section>
    <section class="colophon-page">
      <p><xsl:value-of select="$edition-title"/>
        <xsl:value-of select="$edition-editors[.] ! ('. ' || tk:p('edited-by') || ' ' || .)"/>.</p>
      <xsl:if test="$edition-publisher"><p><xsl:value-of select="$edition-publisher"/>.</p></xsl:if>
      <xsl:if test="$edition-licence"><p><xsl:value-of select="$edition-licence"/>.</p></xsl:if>
      <xsl:if test="$base-url"><p><a href="{$base-url}"><xsl:value-of select="$base-url"/></a></p></xsl:if>
      <p><xsl:value-of select="tk:p('made') || ' ' || $build-date || '. ' || tk:p('colophon-pdf')"/></p>
      <xsl:if test="$fonts"><p><xsl:value-of select="tk:p('set-in') || ' ' || $fonts || '.'"/></p></xsl:if>
    </section>
  </xsl:template>

  <xsl:template name="tk:contents">
    <xsl:variable name="pages" as="map(xs:string, xs:string)" select="map:merge(
        for $p in $doc-pages return map { substring-before($p, ' '): substring-after($p, ' ') })"/>
    <xsl:variable name="front" as="map(xs:string, xs:string)" select="map:merge(
        for $p in $front-pages return map { substring-before($p, ' '): substring-after($p, ' ') })"/>
    <xsl:variable name="to" select="if ($contents-to gt 0) then $contents-to else count($tk:ordered)"/>
    <nav class="contents{' contents-continued'[$contents-from gt 1]}">
      <xsl:choose>
        <xsl:when test="$contents-from le 1">
          <xsl:attribute name="id" select="'contents'"/>
          <h1 class="part-title" data-head="{tk:p('contents')}"><xsl:value-of select="tk:p('contents')"/></h1>
        </xsl:when>
        <xsl:otherwise>
          <xsl:attribute name="data-head" select="tk:p('contents')"/>
        </xsl:otherwise>
      </xsl:choose>
      <ol class="toc">
        <xsl:if test="$contents-from le 1">
          <xsl:for-each select="('introduction'[exists($introduction)], 'conventions')">
            <li class="toc-front">
              <!-- in the same part: a page WeasyPrint counts; else the page teikit gives -->
              <a href="{if (map:size($front) eq 0) then '#' || . else tk:part-href(.)}">
                <xsl:if test="map:contains($front, .)">
                  <xsl:attribute name="data-page" select="format-integer(xs:integer($front(.)), 'i')"/>
                </xsl:if>
                <xsl:value-of select="if (. = 'introduction') then tk:p('introduction') else tk:text('conventions')"/>
              </a>
            </li>
          </xsl:for-each>
        </xsl:if>
        <xsl:for-each select="$tk:ordered">
          <xsl:if test="position() ge $contents-from and position() le $to">
          <li class="toc-doc" id="tk-toc-{position()}">
            <a href="{tk:part-href(@id)}" data-page="{$pages(@id)}">
              <span class="toc-n"><xsl:value-of select="position()"/>.</span>
              <xsl:text> </xsl:text>
              <span class="toc-title"><xsl:value-of select="@title"/></span>
              <xsl:for-each select="@when[tk:datetime(.)]">
                <span class="toc-date"><xsl:value-of select="', ' || tk:date-label(.)"/></span>
              </xsl:for-each>
            </a>
          </li>
          </xsl:if>
        </xsl:for-each>
        <xsl:if test="$contents-to le 0">
          <li class="toc-back"><a href="{tk:part-href('index')}" data-page="{$index-page}"><xsl:value-of
              select="tk:p('index')"/></a></li>
        </xsl:if>
      </ol>
    </nav>
  </xsl:template>

  <xsl:template name="tk:introduction">
    <xsl:if test="exists($introduction)">
      <section class="introduction" id="introduction">
        <h1 class="part-title" data-head="{tk:p('introduction')}"><xsl:value-of select="tk:p('introduction')"/></h1>
        <xsl:for-each select="$introduction"><p><xsl:value-of select="."/></p></xsl:for-each>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- What each mark means in print; the HTML edition's wording speaks of
       views and hovering, which paper has not. -->
  <xsl:variable name="tk:print-means" as="map(xs:string, xs:string)" select="map {
      '[handwritten above: TEXT]': 'Written on the document by hand; a footnote gives the hand and the place.',
      '[crossed out: TEXT]': 'Struck out on the document, and printed struck out.',
      'word [sic: right]': 'An error of the original, corrected; a footnote gives what the document reads.',
      'FENG XI [Stalin]': 'A name or pseudonym identified in a footnote; the index lists it under the register''s name.'
    }"/>

  <xsl:template name="tk:print-conventions">
    <section class="conventions" id="conventions">
      <h1 class="part-title" data-head="{tk:text('conventions')}"><xsl:value-of select="tk:text('conventions')"/></h1>
      <p>The documents are transcriptions and translations in which translators and editors
        marked their interventions with square brackets. Each mark is printed as shown below;
        editorial words are set in italics. Notes of the translators and editors, identifications
        and original-language terms are footnotes, numbered anew in each document. Names of
        persons and places are listed in the index with the pages on which they are mentioned.</p>
      <table class="conventions">
        <thead>
          <tr>
            <th scope="col">In the source</th>
            <th scope="col"><xsl:value-of select="tk:p('printed')"/></th>
            <th scope="col">Meaning</th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="$tk:conventions/tei:TEI/tk:c">
            <tr>
              <td><code><xsl:value-of select="@source"/></code></td>
              <td class="example"><xsl:apply-templates mode="tk:body"/></td>
              <td><xsl:value-of select="($tk:print-means(@source), @means)[1]"/></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </section>
  </xsl:template>

  <!-- One document: numbered heading, headnote from the teiHeader, text with
       footnotes, and (alone) how to cite it. -->
  <xsl:template match="tei:TEI" mode="tk:print">
    <xsl:param name="n" as="xs:integer" select="1"/>
    <xsl:variable name="date" select="tk:doc-date(.)/@when[tk:datetime(.)] ! tk:date-label(.)"/>
    <article class="document" id="{tk:doc-id(.)}" lang="{(@xml:lang, 'en')[1]}">
      <h1 class="doc-title" data-head="{string-join((tk:title(.), $date), ', ')}">
        <xsl:if test="$volume"><span class="doc-n"><xsl:value-of select="$n"/>. </span></xsl:if>
        <xsl:value-of select="tk:title(.)"/>
      </h1>
      <xsl:variable name="metadata" as="element()">
        <xsl:call-template name="tk:metadata">
          <xsl:with-param name="tei" select="."/>
        </xsl:call-template>
      </xsl:variable>
      <!-- ids of the panel would repeat in a volume -->
      <xsl:sequence select="tk:unlink($metadata)"/>
      <div class="text">
        <xsl:apply-templates select="tei:text" mode="tk:body"/>
      </div>
      <xsl:if test="not($volume)">
        <xsl:call-template name="tk:cite">
          <xsl:with-param name="tei" select="."/>
        </xsl:call-template>
      </xsl:if>
    </article>
  </xsl:template>

  <!-- ===================================================== the index -->

  <!-- The index's entries, persons then places, each with the pages its
       name stands on ($anchor-pages): tk:ix elements (@kind, @n its place
       in the index from 1) holding a tk:on per
       page (@page, @anchor: the name's first mention there), and its
       @name and @note as the index prints them. Entries whose
       names fell on no page are left out. -->
  <xsl:function name="tk:index-entries" as="element(tk:ix)*">
    <xsl:variable name="pages" as="map(xs:string, xs:integer)" select="map:merge(
        for $p in $anchor-pages ! tokenize(., '&#10;')[.]
        return map { substring-before($p, ' '): xs:integer(substring-after($p, ' ')) })"/>
    <!-- register id → the anchors of its mentions that fell on a page (a
         mention has one when its name is in a register: tk:print-anchor) -->
    <xsl:variable name="anchors" as="map(xs:string, xs:string*)">
      <xsl:map>
        <xsl:for-each-group select="$summaries/*/tk:doc/tk:mention" group-by="string(@ref)">
          <xsl:map-entry key="current-grouping-key()"
              select="current-group() ! (../@id || '-' || @anchor)[map:contains($pages, .)]"/>
        </xsl:for-each-group>
      </xsl:map>
    </xsl:variable>
    <xsl:variable name="entries" as="element(tk:ix)*">
      <xsl:for-each select="('persons', 'places')">
        <xsl:variable name="kind" select="."/>
        <xsl:variable name="sorted" as="element()*">
          <xsl:perform-sort select="$registers//(if ($kind = 'persons') then (tei:person | tei:org) else tei:place)[@xml:id]">
            <xsl:sort select="lower-case(tk:main-name(.))"/>
          </xsl:perform-sort>
        </xsl:variable>
        <xsl:for-each select="$sorted">
          <!-- Each page once, however often the name stands on it, linked to its first mention there. -->
          <xsl:variable name="first-on" as="map(xs:integer, xs:string)" select="map:merge(
              $anchors(@xml:id) ! map { $pages(.): . }, map { 'duplicates': 'use-first' })"/>
          <xsl:if test="map:size($first-on) gt 0">
            <tk:ix kind="{$kind}" name="{tk:main-name(.)}" note="{normalize-space(tei:note[1])}">
              <xsl:for-each select="sort(map:keys($first-on))">
                <tk:on page="{.}" anchor="{$first-on(.)}"/>
              </xsl:for-each>
            </tk:ix>
          </xsl:if>
        </xsl:for-each>
      </xsl:for-each>
    </xsl:variable>
    <xsl:for-each select="$entries">
      <tk:ix n="{position()}">
        <xsl:sequence select="@*, *"/>
      </tk:ix>
    </xsl:for-each>
  </xsl:function>

  <!-- How many pages each entry of the index lists (each a link), one a
       line in the index's order: teikit lays the index out in parts of a
       bounded number of links. The entries themselves go to the result
       document index-entries.xml, which teikit passes back, parsed, as
       $index-entries to each part: they are worked out once, not once a
       part. -->
  <xsl:template name="tk:print-index-sizes">
    <xsl:variable name="entries" select="tk:index-entries()"/>
    <xsl:result-document href="index-entries.xml" format="tk:xml">
      <tk:index><xsl:sequence select="$entries"/></tk:index>
    </xsl:result-document>
    <xsl:value-of select="$entries ! count(tk:on)" separator="&#10;"/>
  </xsl:template>

  <!-- The index, or the part of it from entry $index-from to $index-to
       (0: to the end). A part after the first goes on from the part before:
       no title (its running head is the index's all the same), and a kind's
       heading only where its first entry is. Each entry's id
       (tk-index-N) tells teikit where a page starts, so that it can carry
       the entries of a part's last page over to the next part. -->
  <xsl:template name="tk:print-index">
    <xsl:variable name="to" select="if ($index-to gt 0) then $index-to else xs:integer('9223372036854775807')"/>
    <xsl:variable name="entries" select="if ($index-entries) then $index-entries/tk:index/tk:ix
        else tk:index-entries()"/>
    <xsl:call-template name="tk:print-shell">
      <xsl:with-param name="title" select="tk:p('index')"/>
      <xsl:with-param name="tei" select="()"/>
      <xsl:with-param name="body-class" select="'volume index-only'"/>
      <xsl:with-param name="content">
        <section>
          <xsl:choose>
            <xsl:when test="$index-from le 1">
              <xsl:attribute name="class" select="'index'"/>
              <xsl:attribute name="id" select="'index'"/>
              <h1 class="part-title" data-head="{tk:p('index')}"><xsl:value-of select="tk:p('index')"/></h1>
            </xsl:when>
            <xsl:otherwise>
              <xsl:attribute name="class" select="'index index-continued'"/>
              <xsl:attribute name="data-head" select="tk:p('index')"/>
            </xsl:otherwise>
          </xsl:choose>
          <xsl:for-each-group select="$entries[xs:integer(@n) ge $index-from and xs:integer(@n) le $to]"
              group-by="@kind">
            <xsl:variable name="kind" select="current-grouping-key()"/>
            <section class="index-part index-{$kind}">
              <xsl:if test="current-group()[1]/@n = $entries[@kind = $kind][1]/@n">
                <h2><xsl:value-of select="tk:p('index-' || $kind)"/></h2>
              </xsl:if>
              <ul>
                <xsl:for-each select="current-group()">
                  <li class="index-entry" id="tk-index-{@n}">
                    <span class="index-name"><xsl:value-of select="@name"/></span>
                    <xsl:if test="@note ne ''"><span class="index-note">, <xsl:value-of select="@note"/></span></xsl:if>
                    <xsl:text> </xsl:text>
                    <span class="index-pages">
                      <xsl:for-each select="tk:on">
                        <xsl:if test="position() gt 1">, </xsl:if>
                        <a href="{tk:part-href(@anchor)}"><xsl:value-of select="@page"/></a>
                      </xsl:for-each>
                    </span>
                  </li>
                </xsl:for-each>
              </ul>
            </section>
          </xsl:for-each-group>
        </section>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- ============================================ marks in print -->

  <!-- The anchor of a mention: unique in a volume, as ids repeat across documents. -->
  <xsl:function name="tk:print-anchor" as="xs:string">
    <xsl:param name="name" as="element()"/>
    <xsl:sequence select="tk:doc-id($name) || '-' || tk:mention-id($name)"/>
  </xsl:function>

  <!-- A mark in print: distinct by its typography, explained on the
       conventions page instead of a tooltip. -->
  <xsl:template name="tk:mark">
    <xsl:param name="class" as="xs:string" required="yes"/>
    <xsl:param name="tip" as="xs:string*" required="yes"/>
    <xsl:param name="content" as="item()*" required="yes"/>
    <xsl:param name="element" as="xs:string" select="'span'"/>
    <xsl:element name="{$element}" namespace="http://www.w3.org/1999/xhtml">
      <xsl:attribute name="class" select="'mk ' || $class"/>
      <xsl:sequence select="$content"/>
    </xsl:element>
  </xsl:template>

  <!-- A footnote of the apparatus, in the same series as the notes. -->
  <xsl:function name="tk:fn" as="element()">
    <xsl:param name="class" as="xs:string"/>
    <xsl:param name="content" as="item()*"/>
    <span class="fn {$class}"><xsl:sequence select="$content"/></span>
  </xsl:function>

  <xsl:template match="tei:sic" mode="tk:body">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'sic'"/>
      <xsl:with-param name="tip" select="()"/>
      <xsl:with-param name="content">
        <xsl:apply-templates mode="#current"/>
        <span class="br"> [</span><i>sic</i><span class="br">]</span>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:choice" mode="tk:body">
    <xsl:variable name="doc" select="(tei:sic, tei:orig, tei:abbr)[1]"/>
    <xsl:variable name="ed" select="(tei:corr, tei:reg, tei:expan)[1]"/>
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'choice ' || string-join(* ! local-name(), ' ')"/>
      <xsl:with-param name="tip" select="()"/>
      <xsl:with-param name="content" as="element()*">
        <span class="r"><xsl:sequence select="tk:inner($ed)"/></span>
        <xsl:sequence select="tk:fn('apparatus', (tk:p('reads') || ' “', tk:inner($doc), '”.'))"/>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:gap" mode="tk:body">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'gap' || @reason ! (' gap-' || .)"/>
      <xsl:with-param name="tip" select="()"/>
      <xsl:with-param name="content" as="item()*">
        <xsl:variable name="words" select="tk:gap-words(.)"/>
        <span class="br">[</span>
        <xsl:choose>
          <xsl:when test="$words = '…'">…</xsl:when>
          <xsl:otherwise><i><xsl:value-of select="$words"/></i></xsl:otherwise>
        </xsl:choose>
        <span class="br">]</span>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:unclear" mode="tk:body">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'unclear'"/>
      <xsl:with-param name="tip" select="()"/>
      <xsl:with-param name="content">
        <xsl:apply-templates mode="#current"/>
        <span class="br">[</span><i>?</i><span class="br">]</span>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:add" mode="tk:body">
    <xsl:variable name="hand" select="tk:hand(.)"/>
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="string-join(('add', @place ! ('place-' || .)), ' ')"/>
      <xsl:with-param name="element" select="'ins'"/>
      <xsl:with-param name="tip" select="()"/>
      <xsl:with-param name="content">
        <span class="br">⸢</span>
        <xsl:apply-templates mode="#current"/>
        <span class="br">⸣</span>
        <xsl:if test="@place or $hand">
          <xsl:sequence select="tk:fn('apparatus', string-join((tk:p('added'), @place), ' ')
              || ($hand ! (' (' || tk:text('hand') || ': ' || . || ')')) || '.')"/>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- Paper has one text: a deletion is printed struck out. -->
  <xsl:template match="tei:del" mode="tk:body">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="string-join(('del', @rend ! ('rend-' || .)), ' ')"/>
      <xsl:with-param name="element" select="'del'"/>
      <xsl:with-param name="tip" select="()"/>
      <xsl:with-param name="content">
        <xsl:apply-templates mode="#current"/>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:stamp" mode="tk:body">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'stamp'"/>
      <xsl:with-param name="tip" select="()"/>
      <xsl:with-param name="content">
        <span class="br">[</span><i><xsl:value-of select="tk:p('stamp')"/>:</i>
        <xsl:text> </xsl:text>
        <xsl:apply-templates mode="#current"/>
        <span class="br">]</span>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:note[@type = 'mark']" mode="tk:body" priority="2">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'sign-mark'"/>
      <xsl:with-param name="tip" select="()"/>
      <xsl:with-param name="content">
        <span class="br">[</span><i><xsl:value-of select="normalize-space()"/></i><span class="br">]</span>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:pb" mode="tk:body">
    <span class="mk pb"><span class="sign">|<xsl:value-of select="@n"/>|</span></span>
  </xsl:template>

  <!-- A note in the running text: a footnote where it is called. -->
  <xsl:template match="tei:note" mode="tk:body">
    <span class="fn {tk:classes(., 'note')}">
      <span class="note-label"><xsl:value-of select="tk:note-label(.)"/>:</span>
      <xsl:text> </xsl:text>
      <xsl:apply-templates mode="#current"/>
      <xsl:value-of select="@cert ! (' (' || tk:text('certainty') || ': ' || . || ')')"/>
    </span>
  </xsl:template>

  <!-- A note between paragraphs (distribution, registry, typist) stays a
       block where the document has it, as on the web. -->
  <xsl:template match="tei:note[not(tk:is-footnote(.))]" mode="tk:body" priority="1">
    <xsl:apply-imports/>
  </xsl:template>

  <!-- Names: plain text with an anchor the index points to. -->
  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:rs | tei:name" mode="tk:body">
    <xsl:variable name="entry" select="tk:entry(@ref)"/>
    <xsl:if test="@ref and not($entry)">
      <xsl:message select="'TK302&#9;' || path() || '&#9;' || local-name() || ' points to ' || @ref
          || ', which is in none of the registers'"/>
    </xsl:if>
    <span class="name {local-name()}">
      <xsl:if test="$entry and @ref and ancestor::tei:text and not(ancestor::tk:c)">
        <xsl:attribute name="id" select="tk:print-anchor(.)"/>
      </xsl:if>
      <xsl:apply-templates mode="#current"/>
    </span>
  </xsl:template>

  <!-- The headnote: names without links to pages of the site. -->
  <xsl:template match="tei:persName | tei:placeName | tei:orgName" mode="tk:meta">
    <xsl:variable name="entry" select="tk:entry(@ref)"/>
    <xsl:value-of select="normalize-space()"/>
    <xsl:if test="$entry and self::tei:persName and normalize-space() ne tk:main-name($entry)">
      <xsl:value-of select="' (' || tk:main-name($entry) || ')'"/>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
