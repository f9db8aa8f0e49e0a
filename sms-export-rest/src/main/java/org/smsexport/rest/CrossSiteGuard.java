package org.smsexport.rest;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Refuses requests that a page on another site makes a signed-in browser send (cross-site request forgery), for
 * every host of {@link ExportApi}, whatever login sits in front of it:
 * <ul>
 * <li>a request that changes something ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}) whose
 * {@code Origin} is neither this server's own (the {@code Host} or {@code X-Forwarded-Host} it was sent to, or the
 * public base URL) nor a trusted one is a 403 {@code cross_site}; so is one whose {@code Sec-Fetch-Site} says
 * {@code cross-site} or {@code same-site} without a trusted {@code Origin};</li>
 * <li>a {@code POST}, {@code PUT} or {@code PATCH} must say {@code Content-Type: application/json} (415
 * {@code unsupported_media_type} otherwise), even without a body: a cross-site {@code <form>} or a
 * {@code no-cors} fetch can only send {@code text/plain}, form-encoded or multipart bodies, and sending JSON takes a
 * CORS preflight, which this API never grants.</li>
 * </ul>
 * Reading ({@code GET}, {@code HEAD}) passes: another site's page cannot read the answers, and download links are
 * opened from mail. Thread-safe.
 */
public final class CrossSiteGuard {

    /** Why a request was refused. @param status the HTTP status @param code the envelope's code @param message what a user reads */
    public record Refusal(int status, String code, String message) {
    }

    private final Set<String> trusted;
    private final Supplier<String> baseUrl;

    /**
     * @param trustedOrigins origins besides this server's own whose pages may change things ({@code https://sms.example})
     * @param baseUrl        the public base URL download links start with; its origin is this server's own
     * @throws IllegalArgumentException when an origin is not {@code scheme://host[:port]}
     */
    public CrossSiteGuard(java.util.Collection<String> trustedOrigins, Supplier<String> baseUrl) {
        Set<String> t = new LinkedHashSet<>();
        for (String o : trustedOrigins) {
            String key = origin(o).orElseThrow(() -> new IllegalArgumentException("Trusted origin '" + o
                    + "' must be scheme://host[:port], e.g. https://sms.school.example."));
            t.add(key);
        }
        this.trusted = Set.copyOf(t);
        this.baseUrl = baseUrl;
    }

    /**
     * @param ex the request
     * @return why it is refused, or empty when it may go on
     */
    public Optional<Refusal> check(Exchange ex) {
        String method = ex.method();
        boolean withBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        if (!withBody && !method.equals("DELETE")) {
            return Optional.empty();
        }
        String origin = ex.header("Origin");
        if (origin != null) {
            Optional<String> key = origin(origin);
            if (key.isEmpty() || !(trusted.contains(key.get()) || own(key.get(), ex))) {
                return Optional.of(new Refusal(403, "cross_site", "Refused a " + method + " sent by a page of another site (Origin "
                        + printable(origin) + "). Only this server's own pages may change exports; behind a reverse proxy that rewrites "
                        + "the Host header, set the public URL or add the page's origin to the trusted origins."));
            }
        } else {
            String site = ex.header("Sec-Fetch-Site");
            if (site != null && !(site.equals("same-origin") || site.equals("none"))) {
                return Optional.of(new Refusal(403, "cross_site", "Refused a " + method + " sent by a page of another site (Sec-Fetch-Site "
                        + printable(site) + "). Only this server's own pages may change exports."));
            }
        }
        if (withBody && !json(ex.header("Content-Type"))) {
            String got = ex.header("Content-Type");
            return Optional.of(new Refusal(415, "unsupported_media_type", "A " + method + " must send Content-Type: application/json"
                    + (got == null ? " (it sent none)." : ", not '" + printable(got) + "'.")));
        }
        return Optional.empty();
    }

    private boolean own(String origin, Exchange ex) {
        String host = origin.substring(origin.indexOf("://") + 3);
        String scheme = origin.substring(0, origin.indexOf("://"));
        for (String h : new String[] {ex.header("Host"), first(ex.header("X-Forwarded-Host"))}) {
            if (h != null && authority(scheme, h.strip().toLowerCase(Locale.ROOT)).equals(host)) {
                return true;
            }
        }
        String base = baseUrl.get();
        return base != null && origin(base).filter(origin::equals).isPresent();
    }

    private static String first(String list) {
        return list == null ? null : list.split(",", 2)[0];
    }

    /** {@code host:port} with the scheme's default port left out, as an Origin spells it. */
    private static String authority(String scheme, String hostPort) {
        if (scheme.equals("https") && hostPort.endsWith(":443")) {
            return hostPort.substring(0, hostPort.length() - 4);
        }
        if (scheme.equals("http") && hostPort.endsWith(":80")) {
            return hostPort.substring(0, hostPort.length() - 3);
        }
        return hostPort;
    }

    /** @return {@code scheme://host[:port]} in lower case without a default port, or empty for {@code null} and other non-URLs */
    static Optional<String> origin(String text) {
        try {
            URI u = new URI(text.strip());
            if (u.getScheme() == null || u.getHost() == null || u.getRawUserInfo() != null) {
                return Optional.empty();
            }
            String scheme = u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return Optional.empty();
            }
            String hostPort = u.getHost().toLowerCase(Locale.ROOT) + (u.getPort() >= 0 ? ":" + u.getPort() : "");
            return Optional.of(scheme + "://" + authority(scheme, hostPort));
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static boolean json(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().equalsIgnoreCase("application/json");
    }

    private static String printable(String header) {
        String s = header.replaceAll("[^\\x20-\\x7E]", "?");
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
