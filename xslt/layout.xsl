<?xml version="1.0" encoding="UTF-8"?>
<!--
  The page shell every page of the site shares: head, banner with the
  edition's navigation, footer. tk:page wraps a page's own content.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tk="https://teikit.org/ns/xslt"
    xmlns="http://www.w3.org/1999/xhtml"
    exclude-result-prefixes="#all">

  <!-- A URL attribute's value as the HTML serializer escapes it (NFC, then
       each character outside printable ASCII as %HH of its UTF-8 bytes): the
       stylesheet does it itself, where a URL can hold such characters, so that
       teikit can switch the serializer's own pass over every attribute of
       every element off (escape-uri-attributes, src/teikit/xslt.py). Every
       href and src is either built here or is ASCII by construction (numbers,
       the page names, encode-for-uri). The bytes are the same either way. -->
  <xsl:function name="tk:uri" as="xs:string">
    <xsl:param name="url" as="xs:string"/>
    <xsl:sequence select="if (escape-html-uri($url) eq $url) then $url
        else escape-html-uri(normalize-unicode($url))"/>
  </xsl:function>

  <!-- $root, escaped once: an ASCII path after it needs no escaping. -->
  <xsl:variable name="tk:root" as="xs:string" select="tk:uri($root)"/>

  <!-- One page: $title is the page's own title, $current the navigation key
       of the page (for aria-current), $content what goes into main. Without
       $content, main holds the context item in mode tk:page-content: a document
       page's content is then written once, straight into the page, where a
       $content parameter is built as a tree of its own and copied (a fifth of
       a document's transform). -->
  <xsl:template name="tk:page">
    <xsl:param name="title" as="xs:string" required="yes"/>
    <xsl:param name="current" as="xs:string" select="''"/>
    <xsl:param name="lang" as="xs:string" select="'en'"/>
    <xsl:param name="description" as="xs:string" select="''"/>
    <xsl:param name="content" as="node()*" select="()"/>
    <html lang="{$lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="if ($title = $edition-title) then $title else $title || ' · ' || $edition-title"/></title>
        <xsl:if test="$description">
          <meta name="description" content="{$description}"/>
        </xsl:if>
        <meta name="generator" content="teikit"/>
        <!-- No icon file: an empty one spares every page a failed request. -->
        <link rel="icon" href="data:,"/>
        <link rel="stylesheet" href="{$tk:root}assets/teikit.css"/>
        <xsl:if test="$current = 'search' and $search">
          <link rel="stylesheet" href="{$tk:root}pagefind/pagefind-ui.css"/>
        </xsl:if>
      </head>
      <body>
        <a class="skip" href="#main"><xsl:value-of select="tk:text('skip')"/></a>
        <header class="banner">
          <p class="edition-title"><a href="{$tk:root}index.html"><xsl:value-of select="$edition-title"/></a></p>
          <nav aria-label="{tk:text('home')}">
            <ul>
              <xsl:for-each select="('documents', 'persons', 'places', 'conventions', 'search'[$search])">
                <li>
                  <a href="{$tk:root}{.}.html">
                    <xsl:if test=". = $current"><xsl:attribute name="aria-current" select="'page'"/></xsl:if>
                    <xsl:value-of select="tk:text(.)"/>
                  </a>
                </li>
              </xsl:for-each>
            </ul>
          </nav>
        </header>
        <main id="main">
          <xsl:choose>
            <xsl:when test="exists($content)"><xsl:sequence select="$content"/></xsl:when>
            <xsl:otherwise><xsl:apply-templates select="." mode="tk:page-content"/></xsl:otherwise>
          </xsl:choose>
        </main>
        <footer class="colophon">
          <p>
            <xsl:value-of select="$edition-title"/>
            <xsl:if test="$edition-editors">, ed. <xsl:value-of select="$edition-editors"/></xsl:if>
            <xsl:if test="$edition-publisher">. <xsl:value-of select="$edition-publisher"/></xsl:if>
            <xsl:if test="$edition-licence">. <xsl:value-of select="$edition-licence"/></xsl:if>
            <xsl:text>. </xsl:text>
            <xsl:value-of select="tk:text('generator')"/>
            <xsl:text>.</xsl:text>
          </p>
        </footer>
        <script src="{$tk:root}assets/teikit.js" defer="defer"></script>
        <xsl:if test="$current = 'search' and $search">
          <script src="{$tk:root}pagefind/pagefind-ui.js"></script>
        </xsl:if>
      </body>
    </html>
  </xsl:template>

</xsl:stylesheet>
