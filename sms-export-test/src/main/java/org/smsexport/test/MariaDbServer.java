package org.smsexport.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real MariaDB server for tests, started by the test itself from the machine's {@code mariadb-server} binaries
 * ({@code mariadb-install-db}, {@code mariadbd}; Debian's package, which {@code .ci/run} installs), on a free port of
 * the loopback address with its own data directory, once per JVM, and stopped when the JVM ends. Each
 * {@link #freshDatabase()} is a new, empty database in {@code utf8mb4} with the accent- and case-blind
 * {@code utf8mb4_unicode_ci} collation. The server runs without a password check: it listens on 127.0.0.1 only and its
 * data directory is a temporary one. Without the binaries, a test that asks for the server is skipped (not on CI).
 */
public final class MariaDbServer {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static MariaDbServer running;

    private final Process process;
    private final int port;
    private final Path dataDir;

    private MariaDbServer(Process process, int port, Path dataDir) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** @return whether the machine has MariaDB's server binaries ({@code mariadbd} and {@code mariadb-install-db}) */
    public static boolean available() {
        return binary("mariadbd") != null && binary("mariadb-install-db") != null;
    }

    private static Path binary(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/local/mysql/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * @return the server of this JVM, started on first use; without MariaDB's binaries the calling test is skipped, except
     *         on CI (the {@code CI} variable set), where {@code .ci/run} installs them and their absence is a failure
     * @throws IllegalStateException when the server does not come up (with its log), or on CI without the binaries
     */
    public static synchronized MariaDbServer get() {
        org.junit.jupiter.api.Assumptions.assumeTrue(available() || System.getenv("CI") != null,
                "MariaDB's server is not installed (apt-get install mariadb-server); this test is skipped");
        return require();
    }

    /**
     * The server of this JVM for a program outside JUnit (the bench), started on first use.
     *
     * @return the server
     * @throws IllegalStateException without MariaDB's binaries, or when the server does not come up (with its log)
     */
    public static synchronized MariaDbServer require() {
        if (running == null) {
            running = start();
        }
        return running;
    }

    private static MariaDbServer start() {
        if (!available()) {
            throw new IllegalStateException("MariaDB's server is not installed (mariadbd, mariadb-install-db): apt-get install "
                    + "mariadb-server, as .ci/run does.");
        }
        try {
            Path dir = Files.createTempDirectory("sms-export-mariadb");
            Path data = dir.resolve("data");
            boolean root = "root".equals(System.getProperty("user.name"));
            List<String> install = new ArrayList<>(List.of(binary("mariadb-install-db").toString(), "--no-defaults", "--datadir=" + data,
                    "--auth-root-authentication-method=normal", "--skip-test-db"));
            if (root) {
                install.add("--user=root");
            }
            Process init = new ProcessBuilder(install).redirectErrorStream(true).redirectOutput(dir.resolve("install.log").toFile()).start();
            if (init.waitFor() != 0) {
                throw new IllegalStateException("mariadb-install-db failed: " + Files.readString(dir.resolve("install.log")));
            }
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            List<String> serve = new ArrayList<>(List.of(binary("mariadbd").toString(), "--no-defaults", "--datadir=" + data,
                    "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mariadb.sock"), "--skip-grant-tables",
                    "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci", "--innodb-buffer-pool-size=64M",
                    "--innodb-flush-log-at-trx-commit=2", "--skip-log-bin", "--pid-file=" + dir.resolve("mariadb.pid"),
                    "--log-error=" + dir.resolve("error.log")));
            if (root) {
                serve.add("--user=root");
            }
            Process server = new ProcessBuilder(serve).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
            MariaDbServer s = new MariaDbServer(server, port, dir);
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "mariadb-stop"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try (Connection c = DriverManager.getConnection(s.url(""), "root", "")) {
                    if (c.isValid(5)) {
                        return s;
                    }
                } catch (SQLException e) {
                    if (!server.isAlive() || System.nanoTime() > deadline) {
                        String log = Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : "";
                        s.stop();
                        throw new IllegalStateException("MariaDB did not start on port " + port + ": " + e.getMessage() + "\n" + log, e);
                    }
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** @return the port it listens on, on 127.0.0.1 */
    public int port() {
        return port;
    }

    /** @return the server's temporary directory (data, logs) */
    public Path directory() {
        return dataDir;
    }

    /**
     * @param database a database, or empty for none
     * @return its JDBC URL for the MariaDB driver
     */
    public String url(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    /**
     * @return the JDBC URL of a new, empty database
     * @throws SQLException when it cannot be created
     */
    public String freshDatabase() throws SQLException {
        String name = "t" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url(""), "root", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        return url(name);
    }
}
