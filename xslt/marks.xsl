<?xml version="1.0" encoding="UTF-8"?>
<!--
  Transcription marks in mode tk:body. Each mark is visibly distinct, can be
  focused, and explains itself on hover and focus (its span.tip). Where the
  reading text and the diplomatic text differ, both are written: .r shows in
  the reading view only, .d in the diplomatic view only (teikit.css switches
  them without JavaScript).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="https://teikit.org/ns/xslt"
    xmlns="http://www.w3.org/1999/xhtml"
    exclude-result-prefixes="#all">

  <xsl:key name="tk:id" match="*[@xml:id]" use="@xml:id"/>

  <!-- A mark: its class, its content, and the words that explain it. -->
  <xsl:template name="tk:mark">
    <xsl:param name="class" as="xs:string" required="yes"/>
    <xsl:param name="tip" as="xs:string*" required="yes"/>
    <xsl:param name="content" as="item()*" required="yes"/>
    <xsl:param name="element" as="xs:string" select="'span'"/>
    <xsl:element name="{$element}" namespace="http://www.w3.org/1999/xhtml">
      <xsl:attribute name="class" select="'mk ' || $class"/>
      <xsl:attribute name="tabindex" select="0"/>
      <xsl:sequence select="$content"/>
      <span class="tip" role="tooltip" data-pagefind-ignore="">
        <xsl:value-of select="string-join(($tip, tk:source-form(.))[normalize-space()], '; ')"/>
      </span>
    </xsl:element>
  </xsl:template>

  <!-- How the source wrote the mark, from the @rendition template teikit keeps. -->
  <xsl:function name="tk:source-form" as="xs:string?">
    <xsl:param name="e" as="node()"/>
    <xsl:for-each select="$e[self::element()]/@rendition[starts-with(., '#')]">
      <xsl:variable name="r" select="key('tk:id', substring(., 2), root(.))"/>
      <xsl:if test="$r">
        <xsl:sequence select="tk:text('written') || ' ' || replace(normalize-space($r), '\{\d\}', '…')"/>
      </xsl:if>
    </xsl:for-each>
  </xsl:function>

  <xsl:function name="tk:cert" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="$e/@cert ! (tk:text('certainty') || ': ' || .)"/>
  </xsl:function>

  <!-- Reading-view-only and diplomatic-view-only content. -->
  <xsl:function name="tk:r" as="element()">
    <xsl:param name="content" as="item()*"/>
    <span class="r"><xsl:sequence select="$content"/></span>
  </xsl:function>
  <xsl:function name="tk:d" as="element()">
    <xsl:param name="content" as="item()*"/>
    <span class="d"><xsl:sequence select="$content"/></span>
  </xsl:function>

  <xsl:template match="tei:sic" mode="tk:body">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'sic'"/>
      <xsl:with-param name="tip" select="tk:text('mark-sic')"/>
      <xsl:with-param name="content">
        <xsl:apply-templates mode="#current"/>
        <span class="r flag" aria-hidden="true"> [sic]</span>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- A choice: the reading view shows the editorial side (corr, reg, expan),
       the diplomatic view the document's side (sic, orig, abbr). -->
  <xsl:template match="tei:choice" mode="tk:body">
    <xsl:variable name="doc" select="(tei:sic, tei:orig, tei:abbr)[1]"/>
    <xsl:variable name="ed" select="(tei:corr, tei:reg, tei:expan)[1]"/>
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'choice ' || string-join(* ! local-name(), ' ')"/>
      <xsl:with-param name="tip" select="(
          tk:text('reads') || ' “' || normalize-space($doc) || '”',
          tk:text('mark-corr') || ': “' || normalize-space($ed) || '”')"/>
      <xsl:with-param name="content" as="element()*">
        <xsl:sequence select="tk:r(tk:inner($ed))"/>
        <xsl:sequence select="tk:d(tk:inner($doc))"/>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:function name="tk:inner" as="node()*">
    <xsl:param name="e" as="element()?"/>
    <xsl:apply-templates select="$e/node()" mode="tk:body"/>
  </xsl:function>

  <xsl:template match="tei:gap" mode="tk:body">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'gap' || @reason ! (' gap-' || .)"/>
      <xsl:with-param name="tip" select="(tk:text('mark-gap'), @reason ! (tk:text('reason') || ': ' || .), tk:cert(.))"/>
      <xsl:with-param name="content" select="'[' || tk:gap-words(.) || ']'"/>
    </xsl:call-template>
  </xsl:template>

  <!-- "2 words illegible", "illegible signature", "3 groups garbled", "…". -->
  <xsl:function name="tk:gap-words" as="xs:string">
    <xsl:param name="gap" as="element(tei:gap)"/>
    <xsl:variable name="n" select="($gap/@quantity, $gap/@extent)[1]"/>
    <xsl:variable name="unit" select="$gap/@unit ! (if ($n and not($n = ('1', 'one'))) then tk:plural(.) else string(.))"/>
    <xsl:sequence select="
        if ($gap/@reason = 'omitted' and not($n)) then '…'
        else if (not($n) and $unit) then string-join(($gap/@reason, $unit), ' ')
        else normalize-space(string-join(($n, $unit, $gap/@reason), ' '))"/>
  </xsl:function>

  <xsl:function name="tk:plural" as="xs:string">
    <xsl:param name="unit" as="xs:string"/>
    <xsl:sequence select="if (ends-with($unit, 's')) then $unit else $unit || 's'"/>
  </xsl:function>

  <xsl:template match="tei:unclear" mode="tk:body">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'unclear'"/>
      <xsl:with-param name="tip" select="(tk:text('mark-unclear'), @reason ! (tk:text('reason') || ': ' || .), tk:cert(.))"/>
      <xsl:with-param name="content">
        <xsl:apply-templates mode="#current"/>
        <span class="r flag" aria-hidden="true">[?]</span>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- Supplied words are not in the document: reading view only. -->
  <xsl:template match="tei:supplied" mode="tk:body">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'supplied r'"/>
      <xsl:with-param name="tip" select="(tk:text('mark-supplied'), @reason ! (tk:text('reason') || ': ' || .), tk:cert(.))"/>
      <xsl:with-param name="content">
        <span class="br" aria-hidden="true">[</span>
        <xsl:apply-templates mode="#current"/>
        <span class="br" aria-hidden="true">]</span>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:add" mode="tk:body">
    <xsl:variable name="hand" select="tk:hand(.)"/>
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="string-join(('add', @place ! ('place-' || .)), ' ')"/>
      <xsl:with-param name="element" select="'ins'"/>
      <xsl:with-param name="tip" select="(tk:text('mark-add'), $hand ! (tk:text('hand') || ': ' || .),
          @place ! (tk:text('place') || ': ' || .), tk:cert(.))"/>
      <xsl:with-param name="content">
        <span class="r br" aria-hidden="true">⸢</span>
        <xsl:apply-templates mode="#current"/>
        <span class="r br" aria-hidden="true">⸣</span>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:function name="tk:hand" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:for-each select="$e/@hand[starts-with(., '#')]">
      <xsl:variable name="note" select="key('tk:id', substring(., 2), root(.))"/>
      <xsl:sequence select="if ($note) then normalize-space($note) else string(.)"/>
    </xsl:for-each>
  </xsl:function>

  <!-- Deletions are the document's, not the reading text's: diplomatic view only. -->
  <xsl:template match="tei:del" mode="tk:body">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="string-join(('del d', @rend ! ('rend-' || .)), ' ')"/>
      <xsl:with-param name="element" select="'del'"/>
      <xsl:with-param name="tip" select="(tk:text('mark-del'), @rend ! string(.), tk:hand(.) ! (tk:text('hand') || ': ' || .))"/>
      <xsl:with-param name="content">
        <xsl:apply-templates mode="#current"/>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:stamp" mode="tk:body">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'stamp'"/>
      <xsl:with-param name="tip" select="tk:text('mark-stamp')"/>
      <xsl:with-param name="content">
        <xsl:apply-templates mode="#current"/>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- A signature or seal: a mark with no text of its own. -->
  <xsl:template match="tei:note[@type = 'mark']" mode="tk:body" priority="2">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'sign-mark'"/>
      <xsl:with-param name="tip" select="tk:text('mark-mark')"/>
      <xsl:with-param name="content" select="'[' || normalize-space() || ']'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:g" mode="tk:body">
    <xsl:variable name="id" select="substring(@ref, 2)"/>
    <xsl:variable name="label" select="if (matches($id, '^U[0-9A-F]{4,6}$')) then 'U+' || substring($id, 2) else string(@ref)"/>
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="'g'"/>
      <xsl:with-param name="tip" select="tk:text('mark-g') || ' ' || $label"/>
      <xsl:with-param name="content" select="if (normalize-space()) then string(.) else '⟨' || $label || '⟩'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:foreign | tei:term" mode="tk:body">
    <i class="{local-name()}">
      <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
      <xsl:apply-templates mode="#current"/>
    </i>
  </xsl:template>

  <xsl:template match="tei:damage | tei:space | tei:handShift" mode="tk:body">
    <xsl:call-template name="tk:mark">
      <xsl:with-param name="class" select="local-name()"/>
      <xsl:with-param name="tip" select="string-join((local-name(), @agent, @extent, @unit, @quantity, tk:hand(.)), ' ')"/>
      <xsl:with-param name="content">
        <xsl:apply-templates mode="#current"/>
        <xsl:if test="not(node())">[…]</xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
