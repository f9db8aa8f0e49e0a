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
        Map<String, ApiUser> copy = Map.copyOf(tokens);
        return new Authenticator() {
            @Override
            public Optional<ApiUser> user(Exchange ex) {
                String auth = ex.header("Authorization");
                return auth != null && auth.startsWith("Bearer ") ? Optional.ofNullable(copy.get(auth.substring(7).strip()))
                        : Optional.empty();
            }

            @Override
            public String challenge() {
                return "Bearer";
            }
        };
    }
}
