package org.smsexport.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.smsexport.InvalidRequestException;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.scheduler.ExportScheduler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The original system's export API over HTTP, with bearer tokens and signed download links. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the export REST API (jobs kept in the database's "
        + "sms_export_jobs table).")
final class ServeCommand extends Common implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; 0 for any free one).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--token", paramLabel = "USER:SECRET:ROLE", description = "A bearer token, repeatable; ROLE is user or admin. "
            + "Every local user can read a command line: prefer EXPORT_API_TOKENS or --tokens-file.")
    List<String> tokenSpecs = List.of();

    @Option(names = "--tokens-file", paramLabel = "FILE", description = "Tokens, one USER:SECRET:ROLE or USER:sha256=HEX:ROLE per "
            + "line; readable by its owner only (chmod 600).")
    Path tokensFile;

    @Option(names = "--trusted-origin", paramLabel = "ORIGIN", description = "Another origin whose pages may change exports here "
            + "(https://sms.school.example), repeatable; this server's own always may.")
    List<String> trustedOrigins = List.of();

    @Option(names = "--public-url", description = "Base URL put in download links (default http://localhost:PORT).")
    String publicUrl;

    @Option(names = "--run-schedules", arity = "1", description = "Also execute due schedules in this process (default: "
            + "ENABLE_SCHEDULER, else true); /schedules works either way.")
    Boolean runSchedules;

    @Option(names = "--max-records", paramLabel = "N", description = "Most records one export may hold, 0 for no limit (default: "
            + "EXPORT_MAX_RECORDS, else 100000).")
    Long maxRecords;

    @Option(names = "--over-limit", paramLabel = "POLICY", description = "fail or truncate an export over the limit (default: "
            + "EXPORT_OVER_LIMIT, else fail).")
    String overLimit;

    @Option(names = "--workers", paramLabel = "N", description = "Exports this process runs at once; 0 accepts and serves only, "
            + "leaving queued jobs to 'sms-export worker' nodes (default: EXPORT_WORKERS, else 2).")
    Integer workers;

    @Option(names = "--node", paramLabel = "NAME", description = "This node's name (default: EXPORT_NODE_NAME, else host:pid).")
    String node;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Close a connection that sends "
            + "nothing for this long (default ${DEFAULT-VALUE}).")
    int idleTimeout;

    /** The environment variable with bearer tokens, whitespace-separated, kept out of the process list. */
    static final String TOKENS_VARIABLE = "EXPORT_API_TOKENS";

    @Override
    public Integer call() throws Exception {
        // before anything is opened: a stop signal during start-up still closes what was opened
        Stop stop = Stop.register();
        PrintWriter out = spec.commandLine().getOut();
        // every check before anything is created: flags, tokens, the port, the settings, the database
        if (port < 0 || port > 65_535) {
            throw new InvalidRequestException("--port must be 0 to 65535, got " + port + ".");
        }
        if (idleTimeout < 1 || idleTimeout > 3_600) {
            throw new InvalidRequestException("--idle-timeout must be 1 to 3600 seconds, got " + idleTimeout + ".");
        }
        Map<String, RestServer.User> tokens = new HashMap<>();
        for (String t : tokenSpecs) {
            RestServer.parseToken(t, tokens);
        }
        // the environment is the process's own (not in ps): whitespace-separated tokens
        for (String t : DatabaseOptions.environment.getOrDefault(TOKENS_VARIABLE, "").strip().split("\\s+")) {
            if (!t.isEmpty()) {
                RestServer.parseToken(t, tokens);
            }
        }
        if (tokensFile != null) {
            List<String> lines;
            try {
                ownerOnly(tokensFile);
                lines = Files.readAllLines(tokensFile);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new InvalidRequestException("--tokens-file " + tokensFile + " does not exist.");
            } catch (java.io.IOException e) {
                throw new InvalidRequestException("--tokens-file " + tokensFile + " cannot be read: " + Messages.oneLine(e));
            }
            for (String line : lines) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    RestServer.parseToken(line.strip(), tokens);
                }
            }
        }
        if (tokens.isEmpty()) {
            throw new InvalidRequestException("No tokens: set " + TOKENS_VARIABLE + " or pass --tokens-file (or --token "
                    + "USER:SECRET:ROLE); the API never runs open.");
        }
        if (port == 0) {
            // links in mails need the real port before the service is built: pick a free one now
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
                port = probe.getLocalPort();
            }
        }
        probe(bind, port);
        Map<String, String> env = DatabaseOptions.environment;
        boolean schedulesHere = runSchedules != null ? runSchedules
                : !"false".equalsIgnoreCase(env.getOrDefault("ENABLE_SCHEDULER", "true").strip());
        DataSource db = database.open();
        Path exportsDir = database.exportsDir();
        Path created = DatabaseOptions.firstMissing(exportsDir);
        String base = publicUrl != null ? publicUrl : "http://localhost:" + port;
        ExportService.Builder builder = database.service(db).dataSource(JdbcDataSource.of(db)).downloadLinks(base);
        if (maxRecords != null) {
            builder.maxRecords(maxRecords);
        }
        if (overLimit != null) {
            builder.overLimit(org.smsexport.core.OverLimitPolicy.parse(overLimit));
        }
        if (workers != null) {
            if (workers < 0 || workers > 256) {
                throw new InvalidRequestException("--workers must be 0 to 256, got " + workers + ".");
            }
            builder.workers(workers);
        }
        if (node != null) {
            builder.nodeName(node);
        }
        try (ExportService exports = builder.build();
                ExportScheduler scheduler = ExportScheduler.create(exports, db);
                RestServer server = new RestServer(exports, scheduler, tokens, bind, port, base, java.time.Duration.ofSeconds(idleTimeout),
                        trustedOrigins)) {
            try {
                server.start();
            } catch (RuntimeException e) {
                throw cannotListen(bind, port, Messages.oneLine(e));
            }
            if (schedulesHere) {
                scheduler.start();
            }
            out.println("sms-export API on http://" + bind + ":" + server.port() + " (links: " + server.publicUrl()
                    + "); Ctrl-C stops it");
            out.flush();
            stop.await();
        } catch (RuntimeException e) {
            DatabaseOptions.removeIfCreated(exportsDir, created);
            throw e;
        }
        return 0;
    }

    /** Refuses a secrets file that other users may read or write, or that is a symbolic link. */
    static void ownerOnly(Path file) throws java.io.IOException {
        if (Files.isSymbolicLink(file)) {
            throw new InvalidRequestException(file + " is a symbolic link; give the file itself.");
        }
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> p = Files.getPosixFilePermissions(file,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            p.removeAll(java.util.EnumSet.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE));
            if (!p.isEmpty()) {
                throw new InvalidRequestException(file + " holds secrets but is " + java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) + "; make it readable by its owner only: "
                        + "chmod 600 " + file + ".");
            }
        }
    }

    /** Fails with the address and port when they cannot be listened on (in use, not this machine's, not allowed). */
    private static void probe(String host, int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.net.BindException e) {
            throw cannotListen(host, port, e.getMessage() == null ? "the address is not available"
                    : e.getMessage().replaceFirst(" \\(Bind failed\\)", "").toLowerCase(java.util.Locale.ROOT));
        } catch (java.io.IOException | IllegalArgumentException | SecurityException e) {
            throw cannotListen(host, port, Messages.oneLine(e));
        }
    }

    private static InvalidRequestException cannotListen(String host, int port, String reason) {
        return new InvalidRequestException("Cannot listen on " + host + ":" + port + ": " + reason + ". Choose another --port or --bind.");
    }
}
