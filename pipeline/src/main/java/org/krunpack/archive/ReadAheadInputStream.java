package org.krunpack.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on its own thread, a bounded number of chunks ahead, so that decompression (CPU)
 * overlaps with writing the extracted files (system calls) on a second core. Memory stays bounded
 * at {@code depth} chunks.
 */
final class ReadAheadInputStream extends InputStream {
    private static final Chunk EOF = new Chunk(new byte[0], 0);

    /** A filled buffer; buffers go back to {@code free} once read, so no garbage is made. */
    private record Chunk(byte[] data, int length) {
    }

    private final InputStream source;
    private final BlockingQueue<Object> queue;
    private final BlockingQueue<byte[]> free;
    private final Thread reader;
    private byte[] current = new byte[0];
    private int limit;
    private int pos;
    private boolean eof;
    private volatile boolean closed;

    ReadAheadInputStream(InputStream source, int chunkSize, int depth, String name) {
        this.source = source;
        this.queue = new ArrayBlockingQueue<>(depth + 1);
        this.free = new ArrayBlockingQueue<>(depth + 1);
        for (int i = 0; i < depth; i++) {
            free.add(new byte[chunkSize]);
        }
        this.reader = new Thread(() -> pump(chunkSize), name);
        reader.setDaemon(true);
        reader.start();
    }

    private void pump(int chunkSize) {
        try {
            while (!closed) {
                byte[] buf = free.take();
                int n = source.readNBytes(buf, 0, buf.length);
                if (n == 0) {
                    queue.put(EOF);
                    return;
                }
                queue.put(new Chunk(buf, n));
            }
        } catch (InterruptedException e) {
            // closed
        } catch (IOException | RuntimeException e) {
            try {
                queue.put(e);
            } catch (InterruptedException ignored) {
                // closed
            }
        }
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        Object o;
        try {
            o = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading ahead");
        }
        if (o instanceof IOException e) {
            eof = true;
            throw new IOException(e.getMessage(), e);
        }
        if (o instanceof RuntimeException e) {
            eof = true;
            throw new IOException(e.toString(), e);
        }
        Chunk chunk = (Chunk) o;
        if (current.length > 0) {
            free.add(current);
        }
        if (chunk == EOF) {
            eof = true;
            current = new byte[0];
            limit = 0;
            return false;
        }
        current = chunk.data();
        limit = chunk.length();
        pos = 0;
        return true;
    }

    @Override
    public int read() throws IOException {
        if (pos >= limit && !fill()) {
            return -1;
        }
        return current[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos >= limit && !fill()) {
            return -1;
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return limit - pos;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        reader.interrupt();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.clear();
        current = new byte[0];
        limit = 0;
        pos = 0;
        source.close();
    }
}
