<?xml version="1.0" encoding="UTF-8"?>
<!--
  What the teiHeader tells a reader: the metadata panel at the head of a
  document page, "how to cite", and the encoding notes. Functions here are
  also used by the summary teikit collects for the edition's own pages.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="https://teikit.org/ns/xslt"
    xmlns="http://www.w3.org/1999/xhtml"
    exclude-result-prefixes="#all">

  <!-- The header's parts, rendered in their own mode; their names and dates
       are links and times as in the text, without mention ids. -->
  <xsl:mode name="tk:meta" on-no-match="text-only-copy"/>

  <xsl:template match="tei:persName | tei:placeName | tei:orgName" mode="tk:meta">
    <xsl:variable name="entry" select="tk:entry(@ref)"/>
    <xsl:choose>
      <xsl:when test="$entry">
        <a class="name {local-name()}" href="{tk:uri($root || tk:entry-page($entry) || '.html#' || $entry/@xml:id)}">
          <xsl:value-of select="normalize-space()"/>
        </a>
        <xsl:if test="normalize-space() ne tk:main-name($entry) and self::tei:persName">
          <xsl:value-of select="' (' || tk:main-name($entry) || ')'"/>
        </xsl:if>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="normalize-space()"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:date" mode="tk:meta">
    <xsl:variable name="dt" select="tk:datetime(@when)"/>
    <xsl:choose>
      <xsl:when test="$dt"><time datetime="{$dt}"><xsl:value-of select="tk:date-label($dt)"/></time></xsl:when>
      <xsl:otherwise><xsl:value-of select="normalize-space()"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:p" mode="tk:meta">
    <p><xsl:apply-templates mode="#current"/></p>
  </xsl:template>

  <xsl:template match="tei:ref[@target]" mode="tk:meta">
    <a href="{tk:uri(@target)}"><xsl:apply-templates mode="#current"/></a>
  </xsl:template>

  <!-- The document's date: when it was sent, else when it was made. -->
  <xsl:function name="tk:doc-date" as="element(tei:date)?">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="pd" select="$tei/tei:teiHeader/tei:profileDesc"/>
    <xsl:sequence select="($pd/tei:correspDesc/tei:correspAction[@type = 'sent']/tei:date,
        $pd/tei:creation/tei:date, $pd/tei:correspDesc//tei:date,
        $tei/tei:text//tei:dateline/tei:date)[1]"/>
  </xsl:function>

  <xsl:function name="tk:parties" as="element()*">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:param name="type" as="xs:string"/>
    <xsl:sequence select="$tei/tei:teiHeader/tei:profileDesc/tei:correspDesc/tei:correspAction[@type = $type]
        /(tei:persName | tei:orgName | tei:name)"/>
  </xsl:function>

  <xsl:function name="tk:title" as="xs:string">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:sequence select="normalize-space(($tei/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title)[1])"/>
  </xsl:function>

  <xsl:function name="tk:page-url" as="xs:string">
    <xsl:param name="id" as="xs:string"/>
    <xsl:sequence select="$base-url || 'documents/' || encode-for-uri($id) || '.html'"/>
  </xsl:function>

  <xsl:template name="tk:metadata">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="h" select="$tei/tei:teiHeader"/>
    <xsl:variable name="fd" select="$h/tei:fileDesc"/>
    <xsl:variable name="pd" select="$h/tei:profileDesc"/>
    <xsl:variable name="ms" select="$fd/tei:sourceDesc/tei:msDesc"/>
    <xsl:variable name="date" select="tk:doc-date($tei)"/>
    <section class="metadata" aria-labelledby="metadata-heading">
      <h2 id="metadata-heading" class="visually-hidden"><xsl:value-of select="tk:text('about-doc')"/></h2>
      <dl>
        <xsl:call-template name="tk:field">
          <xsl:with-param name="key" select="'date'"/>
          <xsl:with-param name="nodes" select="$date"/>
        </xsl:call-template>
        <xsl:if test="$pd/tei:correspDesc">
          <div class="field field-from-to">
            <dt data-pagefind-ignore=""><xsl:value-of select="tk:text('from-to')"/></dt>
            <dd>
              <xsl:for-each select="('sent', 'received')">
                <xsl:variable name="action" select="$pd/tei:correspDesc/tei:correspAction[@type = current()]"/>
                <xsl:if test=". = 'received'"> → </xsl:if>
                <span class="party">
                  <xsl:for-each select="$action/(tei:persName | tei:orgName | tei:name)">
                    <xsl:if test="position() gt 1">, </xsl:if>
                    <xsl:apply-templates select="." mode="tk:meta"/>
                  </xsl:for-each>
                  <xsl:if test="not($action/(tei:persName | tei:orgName | tei:name))"><xsl:value-of select="tk:text('unknown')"/></xsl:if>
                  <xsl:for-each select="$action/tei:placeName">
                    <xsl:text> (</xsl:text><xsl:apply-templates select="." mode="tk:meta"/><xsl:text>)</xsl:text>
                  </xsl:for-each>
                </span>
              </xsl:for-each>
            </dd>
          </div>
        </xsl:if>
        <xsl:call-template name="tk:field">
          <xsl:with-param name="key" select="'archive'"/>
          <xsl:with-param name="value" select="string-join(($ms/tei:msIdentifier/tei:repository,
              $ms/tei:msIdentifier/tei:idno[not(. = $ms/tei:msIdentifier/tei:repository)]) ! normalize-space(), '. ')"/>
        </xsl:call-template>
        <xsl:call-template name="tk:field">
          <xsl:with-param name="key" select="'source'"/>
          <xsl:with-param name="value" select="string-join(($fd/tei:sourceDesc/tei:bibl[not(tei:title)], $fd/tei:sourceDesc/tei:bibl)[1]
              /node() ! normalize-space()[.], '. ')"/>
        </xsl:call-template>
        <xsl:call-template name="tk:field">
          <xsl:with-param name="key" select="'translator'"/>
          <xsl:with-param name="value" select="string-join($fd/tei:titleStmt/tei:respStmt[starts-with(normalize-space(tei:resp), 'Transl')]
              /(tei:persName | tei:name | tei:orgName) ! normalize-space(), ', ')"/>
        </xsl:call-template>
        <xsl:call-template name="tk:field">
          <xsl:with-param name="key" select="'funder'"/>
          <xsl:with-param name="value" select="string-join($fd/tei:titleStmt/tei:funder ! normalize-space(), ', ')"/>
        </xsl:call-template>
        <xsl:call-template name="tk:field">
          <xsl:with-param name="key" select="'summary'"/>
          <xsl:with-param name="nodes" select="$pd/tei:abstract/node()"/>
        </xsl:call-template>
        <xsl:call-template name="tk:field">
          <xsl:with-param name="key" select="'rights'"/>
          <xsl:with-param name="nodes" select="$fd/tei:publicationStmt/tei:availability/node()"/>
        </xsl:call-template>
        <xsl:call-template name="tk:field">
          <xsl:with-param name="key" select="'languages'"/>
          <xsl:with-param name="value" select="string-join($pd/tei:langUsage/tei:language ! normalize-space(), '; ')"/>
        </xsl:call-template>
        <xsl:call-template name="tk:field">
          <xsl:with-param name="key" select="'hands'"/>
          <xsl:with-param name="value" select="string-join($h//tei:handNote ! normalize-space(), '; ')"/>
        </xsl:call-template>
        <xsl:if test="$tei-href or $pdf-href">
          <div class="field field-files" data-pagefind-ignore="all">
            <dt data-pagefind-ignore=""><xsl:value-of select="tk:text('files')"/></dt>
            <dd>
              <xsl:if test="$tei-href"><a href="{tk:uri($tei-href)}" type="application/tei+xml"><xsl:value-of select="tk:text('tei-source')"/></a></xsl:if>
              <xsl:if test="$tei-href and $pdf-href"> · </xsl:if>
              <xsl:if test="$pdf-href"><a href="{tk:uri($pdf-href)}" type="application/pdf"><xsl:value-of select="tk:text('pdf')"/></a></xsl:if>
            </dd>
          </div>
        </xsl:if>
      </dl>
    </section>
  </xsl:template>

  <!-- A term and its value: a string, or header nodes rendered in mode tk:meta
       straight into the page (built into a parameter, they would be copied);
       nothing at all when the header has no value. The search index leaves the
       terms out: pagefind runs a dt into its dd ("Date19 January 1950"). -->
  <xsl:template name="tk:field">
    <xsl:param name="key" as="xs:string"/>
    <xsl:param name="value" as="xs:string?" select="()"/>
    <xsl:param name="nodes" as="node()*" select="()"/>
    <xsl:if test="normalize-space($value)
        or (some $n in $nodes satisfies (normalize-space($n) or $n/self::tei:date[tk:datetime(@when)]))">
      <div class="field field-{$key}">
        <!-- boilerplate every page repeats is left out of the search index -->
        <xsl:if test="$key = ('rights', 'languages', 'hands')">
          <xsl:attribute name="data-pagefind-ignore" select="'all'"/>
        </xsl:if>
        <dt data-pagefind-ignore=""><xsl:value-of select="tk:text($key)"/></dt>
        <dd>
          <xsl:value-of select="$value"/>
          <xsl:apply-templates select="$nodes" mode="tk:meta"/>
        </dd>
      </div>
    </xsl:if>
  </xsl:template>

  <xsl:template name="tk:cite">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="date" select="tk:doc-date($tei)"/>
    <section class="cite" aria-labelledby="cite-heading" data-pagefind-ignore="all">
      <h2 id="cite-heading"><xsl:value-of select="tk:text('cite')"/></h2>
      <p class="citation">
        <xsl:value-of select="'“' || tk:title($tei) || '”' || ($date/@when ! (', ' || tk:date-label(.))) || '. In: '"/>
        <cite><xsl:value-of select="$edition-title"/></cite>
        <xsl:value-of select="($edition-editors[.] ! (', ed. ' || .)) || ($edition-publisher[.] ! (', ' || .)) || '. '"/>
        <xsl:choose>
          <xsl:when test="$base-url">
            <a href="{tk:uri(tk:page-url($doc-id))}"><xsl:value-of select="tk:page-url($doc-id)"/></a>
            <xsl:value-of select="' (' || tk:text('accessed') || ' ' || $build-date || ').'"/>
          </xsl:when>
          <xsl:otherwise>
            <span class="hint"><xsl:value-of select="tk:text('no-base-url')"/></span>
          </xsl:otherwise>
        </xsl:choose>
      </p>
    </section>
  </xsl:template>

  <xsl:template name="tk:encoding">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="h" select="$tei/tei:teiHeader"/>
    <details class="encoding" data-pagefind-ignore="all">
      <summary><xsl:value-of select="tk:text('encoding')"/></summary>
      <xsl:apply-templates select="$h/tei:encodingDesc/tei:editorialDecl//tei:p" mode="tk:meta"/>
      <xsl:for-each select="$h/tei:revisionDesc/tei:change">
        <p class="change">
          <xsl:value-of select="@when ! (tk:date-label(.) || ': ')"/>
          <xsl:value-of select="normalize-space()"/>
        </p>
      </xsl:for-each>
      <p><a href="{$tk:root}conventions.html"><xsl:value-of select="tk:text('conventions')"/></a></p>
    </details>
  </xsl:template>

</xsl:stylesheet>
