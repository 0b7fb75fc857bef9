package org.krunpack.verify;

import org.krunpack.elf.ElfFile;
import org.krunpack.elf.ProgramHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The memory image a loader would build from a file's {@code PT_LOAD} segments, read from the file
 * without loading it: the bytes at a file (link-time) address are the segment's file contents, and
 * zero past {@code p_filesz}. Every read is bounds-checked; an address outside every segment is
 * {@link Optional#empty()}.
 */
final class LoadedImage implements AutoCloseable {
    private final ElfFile elf;
    private final FileChannel ch;

    LoadedImage(Path file, ElfFile elf) throws IOException {
        this.elf = elf;
        this.ch = FileChannel.open(file, StandardOpenOption.READ);
    }

    /** The PT_LOAD segment holding {@code [vaddr, vaddr + len)} in memory. */
    Optional<ProgramHeader> segment(long vaddr, long len) {
        return elf.loadSegmentContaining(vaddr, len);
    }

    /** True when {@code [vaddr, vaddr + len)} lies inside one segment's file-backed bytes. */
    boolean inFile(long vaddr, long len) {
        return segment(vaddr, len).map(p -> Long.compareUnsigned(vaddr - p.vaddr(), p.filesz()) <= 0
                && Long.compareUnsigned(len, p.filesz() - (vaddr - p.vaddr())) <= 0).orElse(false);
    }

    /** {@code len} bytes at {@code vaddr} as the loader would map them (little-endian buffer). */
    Optional<ByteBuffer> read(long vaddr, int len) throws IOException {
        Optional<ProgramHeader> seg = segment(vaddr, len);
        if (seg.isEmpty() || len < 0) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        readInto(seg.get(), vaddr, b);
        return Optional.of(b.flip());
    }

    /** Fills {@code dst} with the memory at {@code vaddr} inside {@code seg} (zeros past p_filesz). */
    void readInto(ProgramHeader seg, long vaddr, ByteBuffer dst) throws IOException {
        long rel = vaddr - seg.vaddr();
        while (dst.hasRemaining()) {
            if (Long.compareUnsigned(rel, seg.filesz()) >= 0) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                break;
            }
            int n = (int) Math.min(dst.remaining(), seg.filesz() - rel);
            ByteBuffer slice = dst.slice().limit(n);
            while (slice.hasRemaining()) {
                if (ch.read(slice, seg.offset() + rel + slice.position()) < 0) {
                    throw new IOException("the file changed while it was read");
                }
            }
            dst.position(dst.position() + n);
            rel += n;
        }
    }

    /** Streams {@code len} bytes of memory at {@code vaddr} (inside one segment) to {@code sink}. */
    void stream(long vaddr, long len, java.util.function.Consumer<ByteBuffer> sink) throws IOException {
        ProgramHeader seg = segment(vaddr, len).orElseThrow(() -> new IllegalArgumentException("not mapped"));
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long done = 0;
        while (done < len) {
            buf.clear().limit((int) Math.min(buf.capacity(), len - done));
            readInto(seg, vaddr + done, buf);
            buf.flip();
            sink.accept(buf);
            done += buf.limit();
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
