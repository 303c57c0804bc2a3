/* frontmatter.h - STUB */
