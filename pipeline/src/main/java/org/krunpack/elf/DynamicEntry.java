package org.krunpack.elf;

/** One entry of the dynamic section, up to (not including) {@code DT_NULL}. */
public record DynamicEntry(long tag, long value) {
}
