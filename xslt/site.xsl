<?xml version="1.0" encoding="UTF-8"?>
<!--
  The edition's own pages: home (from the edition's settings), the editorial
  conventions (every mark shown by the very templates that render the
  documents), and search (pagefind's static index).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="https://teikit.org/ns/xslt"
    xmlns="http://www.w3.org/1999/xhtml"
    exclude-result-prefixes="#all">

  <xsl:template name="tk:home">
    <xsl:variable name="docs" select="tk:docs()"/>
    <xsl:variable name="dated" select="$docs[@when ne '']"/>
    <xsl:call-template name="tk:page">
      <xsl:with-param name="title" select="$edition-title"/>
      <xsl:with-param name="current" select="'home'"/>
      <xsl:with-param name="content">
        <h1><xsl:value-of select="$edition-title"/></h1>
        <xsl:if test="$edition-editors">
          <p class="editors">Edited by <xsl:value-of select="$edition-editors"/></p>
        </xsl:if>
        <xsl:for-each select="$introduction">
          <p><xsl:value-of select="."/></p>
        </xsl:for-each>
        <p class="extent">
          <xsl:value-of select="tk:n-documents(count($docs))"/>
          <xsl:if test="$dated">
            <xsl:text>, </xsl:text>
            <time datetime="{$dated[1]/@when}"><xsl:value-of select="tk:doc-label($dated[1])"/></time>
            <xsl:text> – </xsl:text>
            <time datetime="{$dated[last()]/@when}"><xsl:value-of select="tk:doc-label($dated[last()])"/></time>
          </xsl:if>
          <xsl:text>.</xsl:text>
        </p>
        <ul class="home-links">
          <xsl:for-each select="('documents', 'persons', 'places', 'conventions', 'search'[$search])">
            <li><a href="{.}.html"><xsl:value-of select="tk:text(.)"/></a></li>
          </xsl:for-each>
        </ul>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="tk:search">
    <xsl:call-template name="tk:page">
      <xsl:with-param name="title" select="tk:text('search')"/>
      <xsl:with-param name="current" select="'search'"/>
      <xsl:with-param name="content">
        <h1><xsl:value-of select="tk:text('search')"/></h1>
        <label class="search-label" id="search-label"><xsl:value-of select="tk:text('search-label')"/></label>
        <div id="search" class="search"></div>
        <p class="hint search-help"><xsl:value-of select="tk:text('search-help')"/></p>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- The conventions, each with an example in TEI rendered live. -->
  <xsl:variable name="tk:conventions" as="document-node()">
    <xsl:document>
    <tei:TEI>
      <tei:teiHeader><tei:profileDesc><tei:handNotes>
        <tei:handNote xml:id="hw1">a hand of the document, not identified</tei:handNote>
      </tei:handNotes></tei:profileDesc></tei:teiHeader>
      <tk:c source="word [sic]" means="The error is in the original; the translator kept it."><tei:sic>Nothing</tei:sic> else</tk:c>
      <tk:c source="word [sic: right]" means="An error of the original with the right reading."><tei:choice><tei:sic>he</tei:sic><tei:corr>the</tei:corr></tei:choice> army</tk:c>
      <tk:c source="[2 words illegible]" means="Words that could not be read, counted or not."><tei:gap reason="illegible" unit="word" quantity="2"/></tk:c>
      <tk:c source="[illegible signature]" means="A signature that could not be read."><tei:gap reason="illegible" unit="signature"/></tk:c>
      <tk:c source="[3 groups unrecovered]" means="Cipher groups the decrypters did not recover."><tei:gap reason="unrecovered" unit="group" quantity="3"/></tk:c>
      <tk:c source="[…]" means="A passage the editor left out."><tei:gap reason="omitted"/></tk:c>
      <tk:c source="[agreed upon?]" means="A reading the translator was unsure of.">was <tei:unclear cert="low">agreed upon</tei:unclear></tk:c>
      <tk:c source="[will]" means="A word the translator or editor supplied; it is not in the document.">it <tei:supplied reason="omitted">will</tei:supplied> be</tk:c>
      <tk:c source="FENG XI [Stalin]" means="A name or pseudonym identified; the identification is a note, the name links to the register.">To <tei:persName>FENG XI</tei:persName><tei:note type="gloss">Stalin</tei:note></tk:c>
      <tk:c source="roads [kommunikatsii]" means="The original's own word, transliterated.">roads<tei:note type="term"><tei:foreign xml:lang="ru-Latn">kommunikatsii</tei:foreign></tei:note></tk:c>
      <tk:c source="[handwritten above: TEXT]" means="Written on the document by hand: the hand and the place are said on hover.">Agreed <tei:add hand="#hw1" place="above">to Malenkov</tei:add></tk:c>
      <tk:c source="[crossed out: TEXT]" means="Struck out on the document: shown in the diplomatic view only.">the <tei:del rend="strikethrough">first</tei:del> second</tk:c>
      <tk:c source="[stamp: TEXT]" means="A stamp on the document."><tei:stamp>Top Secret</tei:stamp></tk:c>
      <tk:c source="[signature]" means="A mark with no text of its own."><tei:note type="mark">signature</tei:note></tk:c>
      <tk:c source="[page 2]" means="Where a new page of the document begins.">end of page <tei:pb n="2"/> next page</tk:c>
      <tk:c source="[Translator's note: TEXT]" means="A note of the translator (or of the editor: Editor's note).">the plan<tei:note type="translator">literally “the scheme”</tei:note></tk:c>
    </tei:TEI>
    </xsl:document>
  </xsl:variable>

  <xsl:template name="tk:conventions">
    <xsl:call-template name="tk:page">
      <xsl:with-param name="title" select="tk:text('conventions')"/>
      <xsl:with-param name="current" select="'conventions'"/>
      <xsl:with-param name="content">
        <h1><xsl:value-of select="tk:text('conventions')"/></h1>
        <p>The documents are transcriptions and translations in which translators and
          editors marked their interventions with square brackets. teikit turns each mark
          into TEI and shows it here in two views: the <strong>reading text</strong> gives
          the text as the editors established it, the <strong>diplomatic text</strong> gives
          what stands on the document (errors uncorrected, deletions struck through,
          supplied words left out). Every mark can be hovered or focused for its
          explanation; names link to the registers; notes are numbered at the foot of
          each document.</p>
        <table class="conventions">
          <caption>The marks, with an example of each</caption>
          <thead>
            <tr>
              <th scope="col">In the source</th>
              <th scope="col">Meaning</th>
              <th scope="col"><xsl:value-of select="tk:text('reading')"/></th>
              <th scope="col"><xsl:value-of select="tk:text('diplomatic')"/></th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="$tk:conventions/tei:TEI/tk:c">
              <xsl:variable name="example" as="node()*">
                <xsl:apply-templates mode="tk:body"/>
              </xsl:variable>
              <tr>
                <td data-label="In the source"><code><xsl:value-of select="@source"/></code></td>
                <td data-label="Meaning">
                  <xsl:value-of select="@means"/>
                  <xsl:for-each select=".//tei:note[tk:is-footnote(.)]">
                    <br/><small class="example-note">* <xsl:value-of select="tk:note-label(.) || ': ' || normalize-space()"/></small>
                  </xsl:for-each>
                </td>
                <td class="view-reading" data-label="{tk:text('reading')}"><xsl:sequence select="tk:unlink($example)"/></td>
                <td class="view-diplomatic" data-label="{tk:text('diplomatic')}"><xsl:sequence select="tk:unlink($example)"/></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- Examples are rendered twice: drop the ids and footnote links they
       would otherwise repeat. -->
  <xsl:mode name="tk:unlink" on-no-match="shallow-copy"/>
  <xsl:function name="tk:unlink" as="node()*">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:apply-templates select="$nodes" mode="tk:unlink"/>
  </xsl:function>
  <xsl:template match="@id" mode="tk:unlink"/>
  <xsl:template match="*:sup[@class = 'fn-ref']" mode="tk:unlink">
    <sup class="fn-ref">*</sup>
  </xsl:template>

</xsl:stylesheet>
