<?xml version="1.0" encoding="UTF-8"?>
<!--
  The last resort of mode tk:body: an element no module handles. Its text is
  still shown (nothing of the document is lost) and teikit reports it as
  TK301 with the element's path, which teikit turns into a line and column.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns="http://www.w3.org/1999/xhtml"
    exclude-result-prefixes="#all">

  <xsl:template match="*" mode="tk:body" priority="-10" xmlns:tk="https://teikit.org/ns/xslt">
    <xsl:message select="'TK301&#9;' || path() || '&#9;no rule for the element ' || name() || '; its text is shown unstyled'"/>
    <span class="unhandled {local-name()}"><xsl:apply-templates mode="#current"/></span>
  </xsl:template>

</xsl:stylesheet>
