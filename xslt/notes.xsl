<?xml version="1.0" encoding="UTF-8"?>
<!--
  Notes. A note inside the running text (a gloss, an original-language term,
  a translator's or editor's note) becomes a numbered footnote with a link to
  it and a link back; a note that stands between paragraphs (distribution
  list, registry and typist lines) is a block of its own where the document
  has it. Numbers restart with each document.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="https://teikit.org/ns/xslt"
    xmlns="http://www.w3.org/1999/xhtml"
    exclude-result-prefixes="#all">

  <xsl:function name="tk:is-footnote" as="xs:boolean">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="not($note/@type = 'mark')
        and not($note/parent::tei:div | $note/parent::tei:body | $note/parent::tei:front | $note/parent::tei:back)"/>
  </xsl:function>

  <!-- Footnotes numbered once per document by an accumulator. -->
  <xsl:accumulator name="tk:notes" as="xs:integer" initial-value="0">
    <xsl:accumulator-rule match="tei:text" select="0"/>
    <xsl:accumulator-rule match="tei:note[ancestor::tei:text][tk:is-footnote(.)]" select="$value + 1"/>
  </xsl:accumulator>

  <!-- The same numbers for the document being transformed, from its
       footnotes alone (as names.xsl does for mentions): only for a document
       with one text, where the accumulator counts from one start. -->
  <xsl:variable name="tk:note-numbers" as="map(xs:string, xs:integer)">
    <xsl:try select="if (count(/descendant::tei:text) eq 1)
        then tk:numbered(/descendant::tei:text/descendant::tei:note[tk:is-footnote(.)]) else map{}">
      <!-- no document is being transformed: the edition's pages, print -->
      <xsl:catch select="map{}"/>
    </xsl:try>
  </xsl:variable>

  <xsl:function name="tk:note-number" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:variable name="n" select="$tk:note-numbers(generate-id($note))"/>
    <xsl:sequence select="string(if (exists($n)) then $n else $note/accumulator-after('tk:notes'))"/>
  </xsl:function>

  <xsl:function name="tk:note-label" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:variable name="key" select="'note-' || ($note/@type, 'note')[1]"/>
    <xsl:sequence select="if (map:contains($tk:l10n, $key)) then $tk:l10n($key)
        else upper-case(substring($note/@type, 1, 1)) || substring($note/@type, 2)"
        xmlns:map="http://www.w3.org/2005/xpath-functions/map"/>
  </xsl:function>

  <xsl:template match="tei:note" mode="tk:body">
    <xsl:variable name="n" select="tk:note-number(.)"/>
    <sup class="fn-ref"><a href="#fn-{$n}" id="fnref-{$n}" role="doc-noteref"><xsl:value-of select="$n"/></a></sup>
  </xsl:template>

  <xsl:template match="tei:note[not(tk:is-footnote(.))]" mode="tk:body" priority="1">
    <div class="{tk:classes(., 'block-note')}">
      <span class="note-label"><xsl:value-of select="tk:note-label(.)"/></span>
      <xsl:text> </xsl:text>
      <span class="note-body"><xsl:apply-templates mode="#current"/></span>
    </div>
  </xsl:template>

  <!-- The list of footnotes at the foot of the document. -->
  <xsl:template name="tk:footnotes">
    <xsl:param name="text" as="element(tei:text)?"/>
    <xsl:variable name="notes" select="$text//tei:note[tk:is-footnote(.)]"/>
    <xsl:if test="$notes">
      <section class="footnotes" aria-labelledby="notes-heading" role="doc-endnotes">
        <h2 id="notes-heading"><xsl:value-of select="tk:text('notes')"/></h2>
        <ol>
          <xsl:for-each select="$notes">
            <xsl:variable name="n" select="tk:note-number(.)"/>
            <li id="fn-{$n}" value="{$n}" class="{tk:classes(., 'note')}">
              <span class="note-label"><xsl:value-of select="tk:note-label(.)"/>:</span>
              <xsl:text> </xsl:text>
              <xsl:apply-templates mode="tk:body"/>
              <xsl:value-of select="@cert ! (' (' || tk:text('certainty') || ': ' || . || ')')"/>
              <xsl:text> </xsl:text>
              <a href="#fnref-{$n}" class="backlink" role="doc-backlink" data-pagefind-ignore=""
                 aria-label="{tk:text('back')} ({$n})">↩</a>
            </li>
          </xsl:for-each>
        </ol>
      </section>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
