/* frontmatter.c - STUB */
