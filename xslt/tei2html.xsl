<?xml version="1.0" encoding="UTF-8"?>
<!--
  teikit's HTML edition: the entry stylesheet.

  Applied to a TEI document it writes the document's page. Called by name (tk:home, tk:chronology, tk:persons, tk:places,
  tk:conventions, tk:search) with $edition set, it writes the edition's pages.

  Messages start with a code and the path of the element concerned,
  separated by tabs ("TK301<TAB>/Q{...}TEI[1]/...<TAB>words"); teikit turns
  them into diagnostics with line and column.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="https://teikit.org/ns/xslt"
    xmlns="http://www.w3.org/1999/xhtml"
    exclude-result-prefixes="#all">

  <xsl:include href="params.xsl"/>
  <xsl:include href="l10n.xsl"/>
  <xsl:include href="layout.xsl"/>
  <xsl:include href="structure.xsl"/>
  <xsl:include href="marks.xsl"/>
  <xsl:include href="notes.xsl"/>
  <xsl:include href="names.xsl"/>
  <xsl:include href="header.xsl"/>
  <xsl:include href="indexes.xsl"/>
  <xsl:include href="site.xsl"/>
  <xsl:include href="catchall.xsl"/>

  <!-- The XHTML method with html-version 5: HTML5 in its XML-compatible syntax (void elements
       as <br/>, every other element with its end tag), which any HTML parser reads as the HTML
       method's output. Saxon writes it about 15 % faster than the HTML method, a page's
       serialisation being most of a transform's cost (docs/html.md). -->
  <xsl:output method="xhtml" html-version="5" encoding="UTF-8" omit-xml-declaration="yes"
              include-content-type="no" indent="no"/>
  <xsl:output name="tk:xml" method="xml" encoding="UTF-8" indent="no"/>

  <xsl:mode on-no-match="shallow-skip" use-accumulators="#all"/>

  <xsl:template match="/">
    <!-- Not terminate="yes": Saxon would print the termination to stderr. -->
    <xsl:if test="not(tei:TEI)">
      <xsl:message select="'TK303&#9;' || path(*) || '&#9;the root element is '
          || name(*) || ', not a TEI document'"/>
    </xsl:if>
    <xsl:apply-templates select="tei:TEI"/>
  </xsl:template>

  <xsl:template match="tei:TEI">
    <xsl:call-template name="tk:page">
      <xsl:with-param name="title" select="tk:title(.)"/>
      <xsl:with-param name="lang" select="(@xml:lang, 'en')[1]"/>
      <xsl:with-param name="description" select="normalize-space(tei:teiHeader/tei:profileDesc/tei:abstract)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- A document page's content (see tk:page). -->
  <xsl:template match="tei:TEI" mode="tk:page-content">
    <article class="document" data-pagefind-body="">
      <h1><xsl:value-of select="tk:title(.)"/></h1>
      <xsl:call-template name="tk:metadata">
        <xsl:with-param name="tei" select="."/>
      </xsl:call-template>
      <fieldset class="views" data-pagefind-ignore="all">
        <legend><xsl:value-of select="tk:text('view')"/></legend>
        <input type="radio" name="view" id="view-reading" value="reading" checked="checked"/>
        <label for="view-reading"><xsl:value-of select="tk:text('reading')"/></label>
        <input type="radio" name="view" id="view-diplomatic" value="diplomatic"/>
        <label for="view-diplomatic"><xsl:value-of select="tk:text('diplomatic')"/></label>
      </fieldset>
      <div class="text">
        <xsl:apply-templates select="tei:text" mode="tk:body"/>
      </div>
      <xsl:call-template name="tk:footnotes">
        <xsl:with-param name="text" select="tei:text"/>
      </xsl:call-template>
      <xsl:call-template name="tk:cite">
        <xsl:with-param name="tei" select="."/>
      </xsl:call-template>
      <xsl:call-template name="tk:encoding">
        <xsl:with-param name="tei" select="."/>
      </xsl:call-template>
    </article>
  </xsl:template>

</xsl:stylesheet>
