<?xml version="1.0" encoding="UTF-8"?>
<!--
  The edition's indexes. teikit gathers one summary per document (tk:doc:
  title, date, sender, addressee, every mention of a registered person or
  place; src/teikit/site_summary.py) into one tk:edition and calls the named
  templates below for the chronological list of documents and the registers
  of persons and places. Summaries hold facts; names and dates are worded
  here, as on the document pages.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="https://teikit.org/ns/xslt"
    xmlns="http://www.w3.org/1999/xhtml"
    exclude-result-prefixes="#all">

  <!-- A party's key (its register id, else its name) and the name readers see. -->
  <xsl:function name="tk:party-key" as="xs:string">
    <xsl:param name="party" as="element()"/>
    <xsl:sequence select="string((tk:entry($party/@ref)/@xml:id, $party/@name)[1])"/>
  </xsl:function>

  <xsl:function name="tk:party-label" as="xs:string">
    <xsl:param name="party" as="element()"/>
    <xsl:sequence select="(tk:entry($party/@ref) ! tk:main-name(.), string($party/@name))[1]"/>
  </xsl:function>

  <!-- A document's date for readers: "8 July 1950", or its words when it has no ISO date. -->
  <xsl:function name="tk:doc-label" as="xs:string">
    <xsl:param name="doc" as="element(tk:doc)"/>
    <xsl:sequence select="if ($doc/@when ne '') then tk:date-label($doc/@when) else string($doc/@date)"/>
  </xsl:function>

  <xsl:function name="tk:docs" as="element(tk:doc)*">
    <xsl:sequence select="tk:by-date($edition/tk:edition/tk:doc)"/>
  </xsl:function>

  <!-- Documents in the edition's order: by date, then id. -->
  <xsl:function name="tk:by-date" as="element(tk:doc)*">
    <xsl:param name="docs" as="element(tk:doc)*"/>
    <xsl:sequence select="sort($docs, (), function($d) { ($d/@when[. ne ''], '9999')[1] || $d/@id })"/>
  </xsl:function>

  <!-- The documents that mention a register entry: a register page looks each entry up
       once, instead of searching every document for every entry. -->
  <xsl:key name="tk:mentioned-in" match="tk:doc" use="tk:mention/@ref"/>

  <!-- The chronological list, filterable by sender and addressee. -->
  <xsl:template name="tk:chronology">
    <xsl:call-template name="tk:page">
      <xsl:with-param name="title" select="tk:text('documents')"/>
      <xsl:with-param name="current" select="'documents'"/>
      <xsl:with-param name="content">
        <h1><xsl:value-of select="tk:text('documents')"/></h1>
        <form class="filter" hidden="" aria-label="{tk:text('filter')}">
          <xsl:for-each select="('sender', 'addressee')">
            <xsl:variable name="role" select="."/>
            <label>
              <xsl:value-of select="tk:text($role)"/>
              <xsl:text> </xsl:text>
              <select name="{$role}" data-filter="{$role}">
                <option value=""><xsl:value-of select="tk:text('all')"/></option>
                <xsl:for-each-group select="$edition//tk:*[local-name() = $role]" group-by="tk:party-key(.)">
                  <xsl:sort select="tk:party-label(current-group()[1])"/>
                  <option value="{current-grouping-key()}"><xsl:value-of select="tk:party-label(current-group()[1])"/></option>
                </xsl:for-each-group>
              </select>
            </label>
          </xsl:for-each>
          <output class="count" aria-live="polite"></output>
        </form>
        <table class="chronology">
          <caption><xsl:value-of select="tk:n-documents(count(tk:docs()))"/></caption>
          <thead>
            <tr>
              <th scope="col"><xsl:value-of select="tk:text('date')"/></th>
              <th scope="col"><xsl:value-of select="tk:text('title')"/></th>
              <th scope="col"><xsl:value-of select="tk:text('sender')"/></th>
              <th scope="col"><xsl:value-of select="tk:text('addressee')"/></th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="tk:docs()">
              <tr data-sender="{string-join(tk:sender ! tk:party-key(.), ' ')}"
                  data-addressee="{string-join(tk:addressee ! tk:party-key(.), ' ')}">
                <td>
                  <xsl:choose>
                    <xsl:when test="@when ne ''"><time datetime="{@when}"><xsl:value-of select="tk:date-label(@when)"/></time></xsl:when>
                    <xsl:otherwise><xsl:value-of select="tk:text('undated')"/></xsl:otherwise>
                  </xsl:choose>
                </td>
                <td><a href="documents/{encode-for-uri(@id)}.html"><xsl:value-of select="@title"/></a></td>
                <td><xsl:value-of select="string-join(tk:sender ! tk:party-label(.), ', ')"/></td>
                <td><xsl:value-of select="string-join(tk:addressee ! tk:party-label(.), ', ')"/></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="tk:persons">
    <xsl:call-template name="tk:register">
      <xsl:with-param name="key" select="'persons'"/>
      <xsl:with-param name="entries" select="$registers//(tei:person | tei:personGrp | tei:org)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="tk:places">
    <xsl:call-template name="tk:register">
      <xsl:with-param name="key" select="'places'"/>
      <xsl:with-param name="entries" select="$registers//tei:place"/>
    </xsl:call-template>
  </xsl:template>

  <!-- A register: each entry with its other names, authority records and
       every mention in the documents, each linked to its place in the text. -->
  <xsl:template name="tk:register">
    <xsl:param name="key" as="xs:string"/>
    <xsl:param name="entries" as="element()*"/>
    <xsl:call-template name="tk:page">
      <xsl:with-param name="title" select="tk:text($key)"/>
      <xsl:with-param name="current" select="$key"/>
      <xsl:with-param name="content">
        <h1><xsl:value-of select="tk:text($key)"/></h1>
        <nav class="register-index" aria-label="{tk:text($key)}: A–Z">
          <ul>
            <xsl:for-each select="sort($entries, (), tk:main-name#1)">
              <li><a href="{tk:uri('#' || @xml:id)}"><xsl:value-of select="tk:main-name(.)"/></a></li>
            </xsl:for-each>
          </ul>
        </nav>
        <xsl:for-each select="sort($entries, (), tk:main-name#1)">
          <xsl:variable name="id" select="string(@xml:id)"/>
          <section class="entry" id="{$id}" aria-labelledby="{$id}-name">
            <h2 id="{$id}-name"><xsl:value-of select="tk:main-name(.)"/></h2>
            <xsl:variable name="others" select="(tei:persName | tei:placeName | tei:orgName)[not(@type = 'main')]"/>
            <xsl:if test="$others">
              <p class="other-names">
                <span class="label"><xsl:value-of select="tk:text('other-names')"/>: </span>
                <xsl:for-each select="$others">
                  <xsl:if test="position() gt 1">; </xsl:if>
                  <span class="{(@type, 'alias')[1]}"><xsl:value-of select="normalize-space()"/></span>
                  <xsl:if test="@type = 'pseudonym'"> (<xsl:value-of select="tk:text('pseudonym')"/>)</xsl:if>
                </xsl:for-each>
              </p>
            </xsl:if>
            <xsl:for-each select="tei:note"><p class="entry-note"><xsl:value-of select="normalize-space()"/></p></xsl:for-each>
            <xsl:if test="tei:idno">
              <p class="authority">
                <xsl:value-of select="tk:text('authority') || ': '"/>
                <xsl:for-each select="tei:idno">
                  <xsl:if test="position() gt 1">, </xsl:if>
                  <xsl:variable name="url" select="tk:authority-url(.)"/>
                  <xsl:choose>
                    <xsl:when test="$url"><a href="{tk:uri($url)}"><xsl:value-of select="@type || ' ' || ."/></a></xsl:when>
                    <xsl:otherwise><xsl:value-of select="string-join((@type, normalize-space()), ' ')"/></xsl:otherwise>
                  </xsl:choose>
                </xsl:for-each>
              </p>
            </xsl:if>
            <xsl:variable name="in" select="tk:by-date(key('tk:mentioned-in', $id, $edition))"/>
            <xsl:choose>
              <xsl:when test="$in">
                <h3><xsl:value-of select="tk:text('mentions') || ' (' || count($in/tk:mention[@ref = $id]) || ')'"/></h3>
                <ul class="mentions">
                  <xsl:for-each select="$in">
                    <xsl:variable name="href" select="'documents/' || encode-for-uri(@id) || '.html'"/>
                    <li>
                      <a href="{$href}"><xsl:value-of select="@title"/></a>
                      <xsl:value-of select="tk:doc-label(.)[. ne ''] ! (' (' || . || ')')"/>
                      <xsl:text>: </xsl:text>
                      <xsl:for-each select="tk:mention[@ref = $id]">
                        <xsl:if test="position() gt 1">, </xsl:if>
                        <a class="mention" href="{tk:uri($href || '#' || @anchor)}"><xsl:value-of select="."/></a>
                      </xsl:for-each>
                    </li>
                  </xsl:for-each>
                </ul>
              </xsl:when>
              <xsl:otherwise><p class="hint"><xsl:value-of select="tk:text('no-mentions')"/></p></xsl:otherwise>
            </xsl:choose>
          </section>
        </xsl:for-each>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:function name="tk:authority-url" as="xs:string?">
    <xsl:param name="idno" as="element(tei:idno)"/>
    <xsl:variable name="v" select="encode-for-uri(normalize-space($idno))"/>
    <xsl:sequence select="
        if (matches($idno, '^https?://')) then normalize-space($idno)
        else if (lower-case($idno/@type) = 'wikidata') then 'https://www.wikidata.org/wiki/' || $v
        else if (lower-case($idno/@type) = 'viaf') then 'https://viaf.org/viaf/' || $v
        else if (lower-case($idno/@type) = 'geonames') then 'https://www.geonames.org/' || $v
        else if (lower-case($idno/@type) = 'gnd') then 'https://d-nb.info/gnd/' || $v
        else ()"/>
  </xsl:function>

</xsl:stylesheet>
