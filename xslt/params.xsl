<?xml version="1.0" encoding="UTF-8"?>
<!--
  Parameters of the HTML edition, typed and documented in one place.
  teikit (src/teikit/web.py) sets them for every run; the defaults let the
  stylesheet run on its own (e.g. `saxon -xsl:tei2html.xsl -s:doc.xml`).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    exclude-result-prefixes="#all">

  <!-- Title of the edition, shown in every page's banner and in citations. -->
  <xsl:param name="edition-title" as="xs:string" select="'teikit edition'"/>

  <!-- Editors, as "Name; Name". Used in the home page and in citations. -->
  <xsl:param name="edition-editors" as="xs:string" select="''"/>

  <!-- Publisher of the edition (citations, footer). -->
  <xsl:param name="edition-publisher" as="xs:string" select="''"/>

  <!-- Licence of the edition's texts (footer), e.g. "CC BY 4.0". -->
  <xsl:param name="edition-licence" as="xs:string" select="''"/>

  <!-- Public address of the site, ending in "/"; empty when not yet published.
       Stable URLs in "how to cite" are made from it. -->
  <xsl:param name="base-url" as="xs:string" select="''"/>

  <!-- The edition's introduction: a sequence of paragraphs. -->
  <xsl:param name="introduction" as="xs:string*" select="()"/>

  <!-- Identifier of the document being transformed: its file stem. Its page is
       documents/{$doc-id}.html. -->
  <xsl:param name="doc-id" as="xs:string" select="'document'"/>

  <!-- Link to the document's TEI source, relative to its page. -->
  <xsl:param name="tei-href" as="xs:string" select="''"/>

  <!-- Link to the document's PDF, relative to its page; empty when there is none. -->
  <xsl:param name="pdf-href" as="xs:string" select="''"/>

  <!-- Path from the page being written to the site's root: "" or "../". -->
  <xsl:param name="root" as="xs:string" select="'../'"/>

  <!-- The edition's registers: TEI files holding listPerson and listPlace. -->
  <xsl:param name="registers" as="document-node()*" select="()"/>

  <!-- What a name's link needs of each register entry: its link and
       the words of its tooltip (tk:entry-info). teikit computes it once per
       process (the named template tk:entry-info) and passes it; left out, it
       is computed in every transform. -->
  <xsl:param name="entry-info" as="document-node()" select="tk:entry-info($registers)" xmlns:tk="https://teikit.org/ns/xslt"/>

  <!-- Summary of the whole edition (teikit collects one tk:doc per document);
       used by the edition's own pages. -->
  <xsl:param name="edition" as="document-node()?" select="()"/>

  <!-- Whether the site has a search index (pagefind); hides the search link if not. -->
  <xsl:param name="search" as="xs:boolean" select="true()"/>

  <!-- Date the site was built (ISO 8601), shown in "how to cite". -->
  <xsl:param name="build-date" as="xs:string" select="string(current-date())"/>

</xsl:stylesheet>
