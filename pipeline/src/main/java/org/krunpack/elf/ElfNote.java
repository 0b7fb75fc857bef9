package org.krunpack.elf;

import java.util.Arrays;

/** One note from a {@code PT_NOTE} segment (or an {@code SHT_NOTE} section). */
public record ElfNote(String name, int type, byte[] desc) {
    public ElfNote {
        desc = desc.clone();
    }

    @Override
    public byte[] desc() {
        return desc.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ElfNote n && n.name.equals(name) && n.type == type && Arrays.equals(n.desc, desc);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + type * 17 + Arrays.hashCode(desc);
    }

    @Override
    public String toString() {
        return "ElfNote[" + name + ", type " + type + ", " + desc.length + " bytes]";
    }
}
