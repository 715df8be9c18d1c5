<?xml version="1.0" encoding="UTF-8"?>
<!--
  Words the edition shows its readers, in one map so that a translation is one
  file. tk:text($key) looks a word up; an unknown key is a bug and is reported.
  The map is static: built once when the stylesheet compiles, not again in
  every transform.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tk="https://teikit.org/ns/xslt"
    exclude-result-prefixes="#all">

  <xsl:variable name="tk:l10n" static="yes" as="map(xs:string, xs:string)" select="map {
      'skip': 'Skip to the text',
      'home': 'Home',
      'documents': 'Documents',
      'persons': 'Persons',
      'places': 'Places',
      'conventions': 'Editorial conventions',
      'search': 'Search',
      'about-doc': 'About this document',
      'date': 'Date',
      'from-to': 'From → to',
      'archive': 'Archive',
      'source': 'Source',
      'translator': 'Translated by',
      'funder': 'Funded by',
      'summary': 'Summary',
      'rights': 'Rights',
      'languages': 'Languages',
      'hands': 'Hands',
      'files': 'Files',
      'tei-source': 'TEI source',
      'pdf': 'PDF',
      'cite': 'How to cite',
      'view': 'View',
      'reading': 'Reading text',
      'diplomatic': 'Diplomatic text',
      'notes': 'Notes',
      'back': 'Back to the text',
      'encoding': 'About the encoding',
      'unknown': 'unknown',
      'no-base-url': 'Set base_url in teikit.toml to give this page a stable address.',
      'accessed': 'accessed',
      'mentions': 'Mentions',
      'no-mentions': 'Not mentioned in the documents of this edition.',
      'filter': 'Filter the documents',
      'sender': 'Sender',
      'addressee': 'Addressee',
      'all': 'all',
      'title': 'Title',
      'n-documents': 'documents',
      'one-document': 'document',
      'undated': 'undated',
      'search-help': 'Search needs the site to be served over http(s) (any static host, or python -m http.server in the site folder); opened from disk, browsers block it.',
      'pseudonym': 'pseudonym',
      'a-person': 'in the register of persons',
      'a-place': 'in the register of places',
      'other-names': 'Other names',
      'search-label': 'Search the documents',
      'alias': 'also written',
      'authority': 'Authority records',
      'mark-sic': 'sic: so in the original',
      'mark-corr': 'correction',
      'mark-gap': 'left out',
      'mark-unclear': 'uncertain reading',
      'mark-supplied': 'supplied by the translator or editor',
      'mark-add': 'addition',
      'mark-del': 'deletion',
      'mark-stamp': 'stamp',
      'mark-mark': 'a mark on the document',
      'mark-pb': 'page',
      'mark-g': 'a character XML cannot hold, kept as',
      'mark-foreign': 'original-language term',
      'note-gloss': 'Identification',
      'note-term': 'Original term',
      'note-translator': 'Translator’s note',
      'note-editorial': 'Editor’s note',
      'note-distribution': 'Distribution',
      'note-registry': 'Registry',
      'note-typist': 'Typist',
      'note-recorder': 'Recorded by',
      'note-note': 'Note',
      'certainty': 'certainty',
      'hand': 'hand',
      'place': 'place',
      'reason': 'reason',
      'written': 'written',
      'reads': 'the original reads',
      'generator': 'Made with teikit'
    }"/>

  <!-- One expression, so that Saxon can inline it where it is called (most
       keys are literals); the report of a missing key is a function of its own. -->
  <xsl:function name="tk:text" as="xs:string">
    <xsl:param name="key" as="xs:string"/>
    <xsl:sequence select="($tk:l10n($key), tk:no-text($key))[1]"/>
  </xsl:function>

  <!-- "1 document", "12 documents". -->
  <xsl:function name="tk:n-documents" as="xs:string">
    <xsl:param name="n" as="xs:integer"/>
    <xsl:sequence select="$n || ' ' || tk:text(if ($n eq 1) then 'one-document' else 'n-documents')"/>
  </xsl:function>

  <!-- An unknown key: reported, and shown as it is. -->
  <xsl:function name="tk:no-text" as="xs:string">
    <xsl:param name="key" as="xs:string"/>
    <xsl:message select="'TK305&#9;&#9;no label for key ' || $key"/>
    <xsl:sequence select="$key"/>
  </xsl:function>

</xsl:stylesheet>
