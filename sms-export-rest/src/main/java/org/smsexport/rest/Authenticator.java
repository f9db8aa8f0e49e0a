package org.smsexport.rest;

import java.util.Map;
import java.util.Optional;

/** Tells who makes a request: bearer tokens for the CLI's server, the host's own login for a Spring application. */
@FunctionalInterface
public interface Authenticator {

    /**
     * @param exchange the request
     * @return the user, or empty for a 401
     */
    Optional<ApiUser> user(Exchange exchange);

    /** @return the {@code WWW-Authenticate} challenge sent with a 401, or {@code null} for none */
    default String challenge() {
        return null;
    }

    /**
     * @param tokens users by their bearer token
     * @return an authenticator of {@code Authorization: Bearer <token>}
     */
    static Authenticator bearer(Map<String, ApiUser> tokens) {
        Map<String, ApiUser> hashed = new java.util.HashMap<>();
        tokens.forEach((token, user) -> hashed.put(sha256(token), user));
        return bearerHashed(hashed);
    }

    /**
     * @param tokens users by the SHA-256 of their bearer token, in lower-case hex: a store of tokens need not hold the
     *               secrets themselves
     * @return an authenticator of {@code Authorization: Bearer <token>}
     */
    static Authenticator bearerHashed(Map<String, ApiUser> tokens) {
        Map<String, ApiUser> copy = Map.copyOf(tokens);
        return new Authenticator() {
            @Override
            public Optional<ApiUser> user(Exchange ex) {
                String auth = ex.header("Authorization");
                return auth != null && auth.startsWith("Bearer ") ? Optional.ofNullable(copy.get(sha256(auth.substring(7).strip())))
                        : Optional.empty();
            }

            @Override
            public String challenge() {
                return "Bearer";
            }
        };
    }

    /**
     * @param secret a token
     * @return its SHA-256 in lower-case hex, as {@code printf %s SECRET | sha256sum} prints it
     */
    static String sha256(String secret) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has SHA-256", e);
        }
    }
}
