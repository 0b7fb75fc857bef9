package org.krunpack.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The network, stood in on loopback for tests: serves local files (the shared fixtures, read where
 * they are) under {@code /HOST/PATH} of the upstream URL they stand for, as krunpack's
 * {@code --mirror} / {@code KRUNPACK_SOURCE_MIRROR} asks for them. Anything else is 404.
 */
public final class SourceMirror implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Path> files = new ConcurrentHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    static {
        // answer at once (no Nagle delay between the small writes of a response)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public SourceMirror() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves {@code file} for {@code upstreamUrl} ({@code https://host/path}). */
    public SourceMirror serve(String upstreamUrl, Path file) {
        files.put(upstreamUrl.replaceFirst("^https?://", "/"), file);
        return this;
    }

    /** The base URL to pass as the mirror. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** The paths asked for, in order. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            requests.add(path);
            Path f = files.get(path);
            if (f == null || !"GET".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, Files.size(f));
            try (InputStream in = Files.newInputStream(f); OutputStream out = ex.getResponseBody()) {
                in.transferTo(out);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
