package org.smsexport.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.smsexport.InvalidRequestException;
import org.smsexport.core.ExportService;
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

    @Option(names = "--jwt-secret-file", paramLabel = "FILE", description = "Accept the host's HS256 JWTs signed with the secret in "
            + "this file (the SMS's SECRET_KEY; owner-only, chmod 600); default EXPORT_JWT_SECRET.")
    Path jwtSecretFile;

    @Option(names = "--jwks-file", paramLabel = "FILE", description = "Accept the host's RS256/ES256 JWTs signed with the keys of "
            + "this JSON Web Key Set; default EXPORT_JWT_JWKS_FILE.")
    Path jwksFile;

    @Option(names = "--jwt-user-claim", paramLabel = "CLAIM", description = "The claim naming the user (default: "
            + "EXPORT_JWT_USER_CLAIM, else sub).")
    String jwtUserClaim;

    @Option(names = "--jwt-audience", paramLabel = "AUD", description = "The audience every JWT must name (default: "
            + "EXPORT_JWT_AUDIENCE, else none required).")
    String jwtAudience;

    @Option(names = "--jwt-admin-claim", paramLabel = "CLAIM=VALUE", description = "Admins are users whose token has this claim "
            + "(role=admin); default EXPORT_JWT_ADMIN_CLAIM.")
    String jwtAdminClaim;

    @Option(names = "--jwt-users-table", paramLabel = "TABLE", description = "The host's users table: a JWT's user must be there by "
            + "email and is_active, and is an admin when role is admin, as in the SMS; 'none' to trust the token alone (default: "
            + "EXPORT_JWT_USERS_TABLE, else users).")
    String jwtUsersTable;

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
        org.smsexport.rest.JwtAuthenticator.Builder jwt = jwt();
        if (tokens.isEmpty() && jwt == null) {
            throw new InvalidRequestException("No tokens: set " + TOKENS_VARIABLE + " or pass --tokens-file (or --token "
                    + "USER:SECRET:ROLE), or accept the host's JWTs (EXPORT_JWT_SECRET, --jwt-secret-file, --jwks-file); the API "
                    + "never runs open.");
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
        org.smsexport.rest.Authenticator jwtAuth = jwt == null ? null : jwtUsers(jwt, db).build();
        ExportService.Builder builder = database.service(db).dataSource(database.source(db)).downloadLinks(base);
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
        try (Telemetry telemetry = Telemetry.fromEnvironment(env);
                ExportService exports = telemetry.apply(builder).build();
                ExportScheduler scheduler = ExportScheduler.create(exports, db);
                RestServer server = new RestServer(exports, scheduler, tokens, jwtAuth, bind, port, base,
                        java.time.Duration.ofSeconds(idleTimeout), trustedOrigins, telemetry)) {
            server.emailSettings(emailSettings(env));
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

    /** @return the host's JWTs as the flags and {@code EXPORT_JWT_*} configure them, or {@code null} when none are accepted */
    private org.smsexport.rest.JwtAuthenticator.Builder jwt() throws java.io.IOException {
        Map<String, String> env = DatabaseOptions.environment;
        String secret = env.get("EXPORT_JWT_SECRET");
        Path jwks = jwksFile != null ? jwksFile : Optional.ofNullable(env.get("EXPORT_JWT_JWKS_FILE")).filter(v -> !v.isBlank())
                .map(Path::of).orElse(null);
        org.smsexport.rest.JwtAuthenticator.Builder b;
        try {
            if (jwtSecretFile != null) {
                try {
                    ownerOnly(jwtSecretFile);
                } catch (java.nio.file.NoSuchFileException e) {
                    throw new InvalidRequestException("--jwt-secret-file " + jwtSecretFile + " does not exist.");
                }
                b = org.smsexport.rest.JwtAuthenticator.hmac(Files.readString(jwtSecretFile).strip().getBytes(
                        java.nio.charset.StandardCharsets.UTF_8));
            } else if (secret != null && !secret.isBlank()) {
                b = org.smsexport.rest.JwtAuthenticator.hmac(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else if (jwks != null) {
                b = org.smsexport.rest.JwtAuthenticator.jwks(jwks);
            } else {
                return null;
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        String claim = jwtUserClaim != null ? jwtUserClaim : env.get("EXPORT_JWT_USER_CLAIM");
        if (claim != null && !claim.isBlank()) {
            b.userClaim(claim.strip());
        }
        String audience = jwtAudience != null ? jwtAudience : env.get("EXPORT_JWT_AUDIENCE");
        if (audience != null && !audience.isBlank()) {
            b.audience(audience.strip());
        }
        String issuer = env.get("EXPORT_JWT_ISSUER");
        if (issuer != null && !issuer.isBlank()) {
            b.issuer(issuer.strip());
        }
        String admin = jwtAdminClaim != null ? jwtAdminClaim : env.get("EXPORT_JWT_ADMIN_CLAIM");
        if (admin != null && !admin.isBlank()) {
            int eq = admin.indexOf('=');
            if (eq < 1 || eq == admin.length() - 1) {
                throw new InvalidRequestException("The JWT admin claim '" + admin + "' is not CLAIM=VALUE (role=admin).");
            }
            b.adminClaim(admin.substring(0, eq).strip(), admin.substring(eq + 1).strip());
        }
        return b;
    }

    /** Adds the host's users table (unless 'none'), checked now: a missing table is a start-up error, not a 500 per request. */
    private org.smsexport.rest.JwtAuthenticator.Builder jwtUsers(org.smsexport.rest.JwtAuthenticator.Builder b, DataSource db) {
        String table = jwtUsersTable != null ? jwtUsersTable : DatabaseOptions.environment.getOrDefault("EXPORT_JWT_USERS_TABLE", "users");
        if (table.isBlank() || table.strip().equalsIgnoreCase("none")) {
            return b;
        }
        org.smsexport.rest.HostUsers users;
        try {
            users = org.smsexport.rest.HostUsers.jdbc(db, table.strip(), "email", "role", "is_active", "admin");
            users.find("");
        } catch (IllegalArgumentException | org.smsexport.ExportException e) {
            throw new InvalidRequestException("JWT users are looked up in table '" + table.strip() + "' (email, role, is_active), which "
                    + "cannot be read: " + Messages.oneLine(e) + " Name the table with --jwt-users-table (EXPORT_JWT_USERS_TABLE), or "
                    + "set it to none and say who is an admin with --jwt-admin-claim (EXPORT_JWT_ADMIN_CLAIM=role=admin).");
        }
        return b.users(users);
    }

    /**
     * @return what {@code /settings/email} shows of the {@code SMTP_*} settings (never the password), and a test mail sent
     *         straight through the server; {@code null} when no mail server is named
     */
    static org.smsexport.rest.EmailSettings emailSettings(Map<String, String> env) {
        org.smsexport.mail.MailConfig mail = org.smsexport.mail.MailConfig.from(env);
        if (mail.host().isBlank()) {
            return null;
        }
        return new org.smsexport.rest.EmailSettings() {
            @Override
            public Map<String, Object> view() {
                Map<String, Object> d = new java.util.LinkedHashMap<>();
                d.put("enabled", mail.isEnabled());
                d.put("smtp_host", mail.host());
                d.put("smtp_port", mail.port());
                d.put("smtp_username", mail.user().isEmpty() ? null : mail.user());
                d.put("from_email", mail.from());
                d.put("admin_emails", List.of());
                d.put("notify_on_completion", mail.isEnabled());
                d.put("notify_on_failure", mail.isEnabled());
                d.put("notify_on_schedule_failure", mail.isEnabled());
                d.put("use_tls", mail.startTls());
                d.put("problems", mail.problems());
                return d;
            }

            @Override
            public Optional<String> sendTest(String recipient) {
                try (org.smsexport.mail.MailNotifier notifier = new org.smsexport.mail.MailNotifier(mail)) {
                    org.smsexport.mail.MailNotifier.BulkResult r = notifier.sendBulk("sms-export: test message",
                            "This is a test message from sms-export. Mail from the export service reaches you.", List.of(recipient));
                    return r.sent() == 1 ? Optional.empty() : Optional.of(String.join("; ", r.failed().values()));
                } catch (RuntimeException e) {
                    return Optional.of(Messages.oneLine(e));
                }
            }
        };
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
