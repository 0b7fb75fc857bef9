/** Packaging model, FreeMarker templates and spec generation (see docs/specs.md). */
package org.krunpack.specgen;
