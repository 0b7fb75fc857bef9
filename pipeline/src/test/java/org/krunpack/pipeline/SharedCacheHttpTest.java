package org.krunpack.pipeline;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.project.Project;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared build cache through a real HTTP Maven repository on loopback: Debian's nginx with
 * WebDAV PUT and basic authentication, started and stopped by this test. Credentials come from a
 * Maven settings.xml; a wrong password falls back to running, and is never printed.
 */
@Tag("tools")
class SharedCacheHttpTest {
    private static final String PASSWORD = "s3cret-Passw0rd-do-not-print";
    private static Process nginx;
    private static Path home;
    private static URI repo;

    @BeforeAll
    static void startNginx() throws Exception {
        home = Files.createTempDirectory("krunpack-nginx");
        Path nginxBin = Path.of("/usr/sbin/nginx");
        assertThat(nginxBin).as("nginx is needed for this test: run scripts/setup-deps").isExecutable();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(home.resolve("www/repo"));
        Files.createDirectories(home.resolve("tmp"));
        // nginx reads "{PLAIN}" passwords from its basic-auth file.
        Files.writeString(home.resolve("htpasswd"), "ci:{PLAIN}" + PASSWORD + "\n");
        Files.writeString(home.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        root %1$s/www;
                        location /repo/ {
                            dav_methods PUT;
                            create_full_put_path on;
                            client_max_body_size 0;
                            auth_basic "krunpack step cache";
                            auth_basic_user_file %1$s/htpasswd;
                        }
                    }
                }
                """.formatted(home, port));
        nginx = new ProcessBuilder(nginxBin.toString(), "-p", home.toString(), "-c", home.resolve("nginx.conf").toString(),
                "-e", home.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("nginx.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException e) {
                assertThat(nginx.isAlive()).as("nginx exited: %s", Files.readString(home.resolve("nginx.out"))).isTrue();
                assertThat(System.nanoTime()).as("nginx did not listen within 20 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        repo = URI.create("http://127.0.0.1:" + port + "/repo/");
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
            nginx.destroyForcibly();
        }
        org.krunpack.core.AtomicFiles.deleteTree(home);
    }

    private static Path settings(Path dir, String password) throws IOException {
        return Files.writeString(dir.resolve("settings.xml"), """
                <settings>
                  <servers>
                    <server><id>stepcache</id><username>ci</username><password>%s</password></server>
                  </servers>
                </settings>
                """.formatted(password));
    }

    private static SharedCache cache(Path machine, String password) throws IOException {
        return MavenStepCache.create(repo, "stepcache", settings(machine, password), machine.resolve("local-repo"));
    }

    private static Path machine(Path dir, String name) throws IOException {
        Path m = Files.createDirectories(dir.resolve(name));
        for (String s : List.of("a", "b", "c")) {
            Files.writeString(m.resolve(s + ".setting"), s + "1");
        }
        return m;
    }

    @Test
    void roundTripThroughAnAuthenticatedWebDavRepository(@TempDir Path dir) throws Exception {
        Path m1 = machine(dir, "m1");
        Project p1 = StepHarness.project(m1, "cache: {repository: \"" + repo + "\", serverId: stepcache}\n");
        List<String> log1 = new ArrayList<>();
        RunReport r1 = StepHarness.run(p1, m1.resolve("out"), StepHarness.chain(m1), cache(m1, PASSWORD), log1);
        assertThat(r1.ran()).containsExactly("a", "b", "c");
        assertThat(log1).as("fetch misses only; every publish succeeded").hasSize(3)
                .allSatisfy(l -> assertThat(l).contains("not in the shared cache"));
        try (var files = Files.walk(home.resolve("www/repo/org/krunpack/stepcache"))) {
            assertThat(files.filter(f -> f.toString().endsWith("-out.bin")).count()).isEqualTo(3);
        }

        Path m2 = machine(dir, "m2");
        Project p2 = StepHarness.project(m2, "cache: {repository: \"" + repo + "\", serverId: stepcache}\n");
        List<StepHarness.FileStep> steps2 = StepHarness.chain(m2);
        RunReport r2 = StepHarness.run(p2, m2.resolve("out"), steps2, cache(m2, PASSWORD), new ArrayList<>());
        assertThat(r2.steps()).extracting(StepOutcome::status).containsOnly(StepOutcome.Status.SHARED);
        assertThat(steps2).allSatisfy(s -> assertThat(s.runs).isZero());
        assertThat(Files.readString(m2.resolve("out/c.txt"))).isEqualTo("c1+b1+a1+");

        // Wrong password on a third machine: the repository says 401; the steps run, one line each
        // for the fetch and the publish, and the password appears nowhere.
        Path m3 = machine(dir, "m3");
        Project p3 = StepHarness.project(m3, "cache: {repository: \"" + repo + "\", serverId: stepcache}\n");
        List<String> log3 = new ArrayList<>();
        RunReport r3 = StepHarness.run(p3, m3.resolve("out"), StepHarness.chain(m3), cache(m3, "wrong-" + PASSWORD), log3);
        assertThat(r3.ok()).isTrue();
        assertThat(r3.ran()).containsExactly("a", "b", "c");
        assertThat(log3).hasSize(6).noneSatisfy(l -> assertThat(l).contains(PASSWORD));
        assertThat(log3.get(0)).contains("could not be read").contains("401");
    }
}
