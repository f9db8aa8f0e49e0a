package org.smsexport.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.InvalidRequestException;
import org.smsexport.core.ExportService;
import org.smsexport.rest.ApiUser;
import org.smsexport.rest.Authenticator;
import org.smsexport.rest.ExportApi;
import org.smsexport.scheduler.ExportScheduler;
import org.smsexport.web.WebUi;

/**
 * {@code serve}: the export API ({@link ExportApi}) on {@link org.smsexport.rest.JettyServer} (Jetty), with bearer tokens mapped to
 * users and roles, 64 KiB request bodies and idle connections closed after a timeout. Thread-safe.
 */
final class RestServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RestServer.class);
    /** How long a connection may make no progress before it is closed, unless the caller says otherwise. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);

    /** A user a bearer token stands for. @param name user id (job owner) @param admin whether they see every job */
    record User(String name, boolean admin) {
    }

    private final String publicUrl;
    private final org.smsexport.rest.JettyServer server;

    RestServer(ExportService exports, Map<String, User> tokens, String host, int port, String publicUrl) {
        this(exports, null, tokens, host, port, publicUrl, IDLE_TIMEOUT);
    }

    RestServer(ExportService exports, ExportScheduler schedules, Map<String, User> tokens, String host, int port, String publicUrl) {
        this(exports, schedules, tokens, host, port, publicUrl, IDLE_TIMEOUT);
    }

    /**
     * @param schedules   the scheduler behind {@code /schedules}, or {@code null} to answer those with 404
     * @param idleTimeout how long a connection may send nothing before it is closed
     */
    RestServer(ExportService exports, ExportScheduler schedules, Map<String, User> tokens, String host, int port, String publicUrl,
            Duration idleTimeout) {
        this(exports, schedules, tokens, host, port, publicUrl, idleTimeout, List.of());
    }

    /**
     * @param tokens         users by the SHA-256 (hex) of their bearer token, as {@link #parseToken} fills them
     * @param trustedOrigins origins besides this server's own whose pages may change exports
     */
    RestServer(ExportService exports, ExportScheduler schedules, Map<String, User> tokens, String host, int port, String publicUrl,
            Duration idleTimeout, List<String> trustedOrigins) {
        this(exports, schedules, tokens, null, host, port, publicUrl, idleTimeout, trustedOrigins);
    }

    /**
     * @param tokens         users by the SHA-256 (hex) of their bearer token, as {@link #parseToken} fills them
     * @param jwt            the host's JWTs, asked when a bearer token is none of {@code tokens}; {@code null} for none
     * @param trustedOrigins origins besides this server's own whose pages may change exports
     */
    RestServer(ExportService exports, ExportScheduler schedules, Map<String, User> tokens, Authenticator jwt, String host, int port,
            String publicUrl, Duration idleTimeout, List<String> trustedOrigins) {
        this(exports, schedules, tokens, jwt, host, port, publicUrl, idleTimeout, trustedOrigins, Telemetry.NONE);
    }

    /**
     * @param telemetry each request a span that continues the caller's {@code traceparent}, when it has a tracer
     */
    RestServer(ExportService exports, ExportScheduler schedules, Map<String, User> tokens, Authenticator jwt, String host, int port,
            String publicUrl, Duration idleTimeout, List<String> trustedOrigins, Telemetry telemetry) {
        Map<String, ApiUser> users = new HashMap<>();
        tokens.forEach((hash, u) -> users.put(hash, new ApiUser(u.name(), u.admin())));
        this.publicUrl = publicUrl;
        Authenticator auth = jwt == null ? Authenticator.bearerHashed(users)
                : org.smsexport.rest.JwtAuthenticator.either(Authenticator.bearerHashed(users), jwt);
        this.api = new ExportApi(exports, schedules, auth, this::base, trustedOrigins);
        // the page first (GET / and /ui/*), the API for everything else
        WebUi page = new WebUi("");
        this.server = new org.smsexport.rest.JettyServer(host, port, idleTimeout, ExportApi.MAX_BODY, telemetry.traced(ex -> {
            if (!page.handle(ex)) {
                api.handle(ex);
            }
        }));
    }

    private final ExportApi api;

    /**
     * @param email the mail settings {@code /settings/email} shows and tests with
     * @return this server
     */
    RestServer emailSettings(org.smsexport.rest.EmailSettings email) {
        api.emailSettings(email);
        return this;
    }

    /** @return the base of download links: the public URL given, else this server on localhost */
    private String base() {
        return publicUrl != null ? publicUrl : "http://localhost:" + port();
    }

    /**
     * @throws java.io.UncheckedIOException when the port cannot be bound (in use, not allowed)
     */
    void start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        LOG.info("sms-export REST API on port {}", port());
    }

    int port() {
        return server.port();
    }

    String publicUrl() {
        return base();
    }

    @Override
    public void close() {
        server.close();
    }

    /**
     * Adds one token: {@code USER:SECRET:ROLE}, or {@code USER:sha256=HEX:ROLE} with the SHA-256 of the secret (what
     * {@code printf %s SECRET | sha256sum} prints), so a tokens file need not hold the secret itself.
     *
     * @param spec the token
     * @param into users by the SHA-256 (hex) of their secret
     * @return the user
     * @throws InvalidRequestException when the spec is malformed or its secret is already another entry's
     */
    static Optional<User> parseToken(String spec, Map<String, User> into) {
        int first = spec.indexOf(':');
        int last = spec.lastIndexOf(':');
        String name = first < 0 ? spec : spec.substring(0, first);
        String secret = first < 0 || last <= first ? "" : spec.substring(first + 1, last);
        String role = last <= first ? "" : spec.substring(last + 1);
        boolean hashed = secret.startsWith("sha256=");
        if (name.isBlank() || !(role.equals("user") || role.equals("admin"))
                || (hashed ? !secret.substring(7).matches("[0-9a-fA-F]{64}") : secret.length() < 8)) {
            throw new InvalidRequestException("Token '" + name + ":…' must be USER:SECRET:ROLE with a secret of 8+ characters (or "
                    + "USER:sha256=HEX:ROLE with the secret's SHA-256) and ROLE user or admin.");
        }
        String hash = hashed ? secret.substring(7).toLowerCase(java.util.Locale.ROOT) : Authenticator.sha256(secret);
        User u = new User(name, role.equals("admin"));
        User before = into.putIfAbsent(hash, u);
        if (before != null) {
            throw new InvalidRequestException("Tokens of '" + before.name() + "' and '" + name + "' have the same secret; each user needs "
                    + "a secret of their own.");
        }
        return Optional.of(u);
    }
}
