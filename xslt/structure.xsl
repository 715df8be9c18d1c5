<?xml version="1.0" encoding="UTF-8"?>
<!--
  The document's structure in mode tk:body: divisions, opener and closer,
  paragraphs, lists, a letter quoted inside the document, line and page breaks.
  TEI elements that are blocks become HTML blocks; a TEI block inside a
  paragraph (a list, a quoted letter) turns the paragraph into a div, since
  HTML's p cannot hold them.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="https://teikit.org/ns/xslt"
    xmlns="http://www.w3.org/1999/xhtml"
    exclude-result-prefixes="#all">

  <!-- Text is copied; elements without a template reach the catch-all. -->
  <xsl:mode name="tk:body" on-no-match="text-only-copy"/>

  <!-- Whether an element holds what HTML cannot put in a p. -->
  <xsl:function name="tk:has-blocks" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/(tei:list | tei:floatingText | tei:table | tei:lg | tei:quote
        | tei:opener | tei:closer | tei:div | tei:ab | tei:p))"/>
  </xsl:function>

  <!-- Class names from TEI attributes, so editors can style a @type or @rend. -->
  <xsl:function name="tk:classes" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:param name="base" as="xs:string"/>
    <xsl:sequence select="if (not($e/@type or $e/@rend)) then $base
        else string-join(($base, $e/@type ! ($base || '-' || .), $e/@rend ! tokenize(.) ! ('rend-' || .)), ' ')"/>
  </xsl:function>

  <xsl:template match="tei:text | tei:body | tei:front | tei:back | tei:group" mode="tk:body">
    <xsl:apply-templates mode="#current"/>
  </xsl:template>

  <xsl:template match="tei:div" mode="tk:body">
    <section class="{tk:classes(., 'div')}">
      <xsl:apply-templates mode="#current"/>
    </section>
  </xsl:template>

  <xsl:template match="tei:head" mode="tk:body">
    <h2 class="head"><xsl:apply-templates mode="#current"/></h2>
  </xsl:template>

  <!-- The lines of opener and closer (heading, datelines, salutation,
       signature) each stand on a line of their own. -->
  <xsl:template match="tei:opener | tei:closer | tei:postscript" mode="tk:body">
    <div class="{local-name()}">
      <xsl:for-each select="node()">
        <xsl:choose>
          <xsl:when test="self::tei:seg | self::tei:salute | self::tei:dateline | self::tei:signed
                          | self::tei:byline | self::tei:docDate | self::tei:address | self::tei:epigraph">
            <p class="{tk:classes(., local-name())}"><xsl:apply-templates mode="#current"/></p>
          </xsl:when>
          <xsl:otherwise>
            <xsl:apply-templates select="." mode="#current"/>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </div>
  </xsl:template>

  <xsl:template match="tei:p | tei:ab" mode="tk:body">
    <xsl:choose>
      <xsl:when test="tk:has-blocks(.)">
        <div class="{tk:classes(., local-name())}"><xsl:apply-templates mode="#current"/></div>
      </xsl:when>
      <xsl:otherwise>
        <p class="{tk:classes(., local-name())}"><xsl:apply-templates mode="#current"/></p>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:salute | tei:signed | tei:dateline | tei:seg | tei:byline | tei:docDate | tei:address | tei:addrLine" mode="tk:body">
    <span class="{tk:classes(., local-name())}"><xsl:apply-templates mode="#current"/></span>
  </xsl:template>

  <xsl:template match="tei:list" mode="tk:body">
    <xsl:apply-templates select="tei:head" mode="#current"/>
    <xsl:element name="{if (@type = 'ordered' or @rend = 'numbered') then 'ol' else 'ul'}"
        namespace="http://www.w3.org/1999/xhtml">
      <xsl:attribute name="class" select="tk:classes(., 'list')"/>
      <xsl:apply-templates select="node() except tei:head" mode="#current"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:item" mode="tk:body">
    <li><xsl:apply-templates mode="#current"/></li>
  </xsl:template>

  <!-- Labels of a list are the document's own numbering: keep them visible. -->
  <xsl:template match="tei:list/tei:label" mode="tk:body">
    <li class="label"><xsl:apply-templates mode="#current"/></li>
  </xsl:template>

  <xsl:template match="tei:label" mode="tk:body">
    <span class="label"><xsl:apply-templates mode="#current"/></span>
  </xsl:template>

  <xsl:template match="tei:floatingText" mode="tk:body">
    <blockquote class="{tk:classes(., 'floating-text')}">
      <xsl:apply-templates mode="#current"/>
    </blockquote>
  </xsl:template>

  <xsl:template match="tei:quote | tei:q" mode="tk:body">
    <q class="{local-name()}"><xsl:apply-templates mode="#current"/></q>
  </xsl:template>

  <xsl:template match="tei:hi" mode="tk:body">
    <span class="{tk:classes(., 'hi')}"><xsl:apply-templates mode="#current"/></span>
  </xsl:template>

  <xsl:template match="tei:lb" mode="tk:body">
    <br/>
  </xsl:template>

  <xsl:template match="tei:pb" mode="tk:body">
    <xsl:variable name="label" select="tk:text('mark-pb') || (@n ! (' ' || .))"/>
    <span class="mk pb" tabindex="0" id="page-{(@n, generate-id())[1]}">
      <span class="sign" aria-hidden="true">|<xsl:value-of select="@n"/>|</span>
      <span class="tip" role="tooltip"><xsl:value-of select="$label"/></span>
    </span>
  </xsl:template>

  <!-- A table as the document has it; rows and cells only. -->
  <xsl:template match="tei:table" mode="tk:body">
    <table class="table"><xsl:apply-templates mode="#current"/></table>
  </xsl:template>
  <xsl:template match="tei:row" mode="tk:body">
    <tr><xsl:apply-templates mode="#current"/></tr>
  </xsl:template>
  <xsl:template match="tei:cell" mode="tk:body">
    <td><xsl:apply-templates mode="#current"/></td>
  </xsl:template>

</xsl:stylesheet>
