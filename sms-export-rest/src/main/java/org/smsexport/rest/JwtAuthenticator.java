package org.smsexport.rest;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts the host application's own JSON Web Tokens as bearer tokens: HS256 (HS384, HS512) signed with its secret, as
 * the original SMS issues them, or RS256/ES256 (and the other RSA and EC algorithms) verified with the keys of a JWKS
 * file. The signature, the algorithm family (an HMAC token is refused where keys are configured and the other way round;
 * {@code alg: none} always), {@code exp} (required), {@code nbf}, and when configured the audience and issuer are
 * enforced, with 60 seconds of clock skew. The user is a claim ({@code sub} by default, which the SMS fills with the
 * user's e-mail); whether they are an admin comes from a claim ({@link Builder#adminClaim}) or from the host's own users
 * table ({@link Builder#users}), where a user who is missing or inactive is refused as the SMS refuses them.
 * Thread-safe. Needs {@code com.nimbusds:nimbus-jose-jwt} on the class path (the CLI brings it).
 */
public final class JwtAuthenticator implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final String userClaim;
    private final String adminClaim;
    private final String adminValue;
    private final HostUsers users;

    private JwtAuthenticator(Builder b) {
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(b.selector);
        Set<String> required = new HashSet<>(Set.of("exp", b.userClaim));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (b.issuer != null) {
            exact.issuer(b.issuer);
        }
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(b.audience, exact.build(), required));
        this.userClaim = b.userClaim;
        this.adminClaim = b.adminClaim;
        this.adminValue = b.adminValue;
        this.users = b.users;
    }

    /**
     * @param secret the host's signing secret, as it uses it (the SMS's {@code SECRET_KEY}), at least 32 bytes
     * @return a builder for HMAC-signed tokens (HS256, HS384, HS512)
     * @throws IllegalArgumentException when the secret is shorter than 256 bits, which HS256 requires
     */
    public static Builder hmac(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("The JWT secret has " + secret.length + " bytes; HS256 needs at least 32 (256 bits).");
        }
        return new Builder(new JWSVerificationKeySelector<>(Set.copyOf(JWSAlgorithm.Family.HMAC_SHA),
                new ImmutableSecret<>(secret.clone())));
    }

    /**
     * @param file a JSON Web Key Set with the public keys tokens are signed with
     * @return a builder for RSA- and EC-signed tokens (RS256, ES256, …)
     * @throws IllegalArgumentException when the file cannot be read or holds no public key
     */
    public static Builder jwks(Path file) {
        JWKSet set;
        try {
            set = JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8)).toPublicJWKSet();
        } catch (java.io.IOException | java.text.ParseException e) {
            throw new IllegalArgumentException("The JWKS file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (set.getKeys().isEmpty()) {
            throw new IllegalArgumentException("The JWKS file " + file + " holds no public key.");
        }
        Set<JWSAlgorithm> algorithms = new HashSet<>(JWSAlgorithm.Family.RSA);
        algorithms.addAll(JWSAlgorithm.Family.EC);
        return new Builder(new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(set)));
    }

    @Override
    public Optional<ApiUser> user(Exchange ex) {
        String auth = ex.header("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            return Optional.empty();
        }
        String token = auth.substring(7).strip();
        if (token.chars().filter(c -> c == '.').count() != 2) {
            return Optional.empty(); // not a JWT: another authenticator's token
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (java.text.ParseException | BadJOSEException | JOSEException e) {
            // why, never the token: it is a credential
            LOG.debug("A bearer JWT was refused: {}", e.getMessage());
            return Optional.empty();
        }
        Object user = claims.getClaim(userClaim);
        if (!(user instanceof String) || ((String) user).isBlank()) {
            return Optional.empty();
        }
        String name = (String) user;
        boolean admin = false;
        if (adminClaim != null) {
            Object v = claims.getClaim(adminClaim);
            admin = v instanceof java.util.Collection ? ((java.util.Collection<?>) v).stream().anyMatch(x -> adminValue.equalsIgnoreCase(
                    String.valueOf(x))) : v != null && adminValue.equalsIgnoreCase(String.valueOf(v));
        }
        if (users != null) {
            Optional<HostUsers.HostUser> u = users.find(name);
            if (u.isEmpty() || !u.get().active()) {
                return Optional.empty();
            }
            admin = admin || u.get().admin();
        }
        return Optional.of(new ApiUser(name, admin));
    }

    @Override
    public String challenge() {
        return "Bearer";
    }

    /**
     * The first of several authenticators that knows the request's user: static tokens beside the host's JWTs.
     *
     * @param first  asked first
     * @param second asked when the first knows no user
     * @return the combination, challenging as the first does
     */
    public static Authenticator either(Authenticator first, Authenticator second) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        return new Authenticator() {
            @Override
            public Optional<ApiUser> user(Exchange ex) {
                Optional<ApiUser> u = first.user(ex);
                return u.isPresent() ? u : second.user(ex);
            }

            @Override
            public String challenge() {
                return first.challenge() != null ? first.challenge() : second.challenge();
            }
        };
    }

    /** Configures a {@link JwtAuthenticator}. Not thread-safe. */
    public static final class Builder {
        private final JWSVerificationKeySelector<SecurityContext> selector;
        private String userClaim = "sub";
        private String audience;
        private String issuer;
        private String adminClaim;
        private String adminValue;
        private HostUsers users;

        private Builder(JWSVerificationKeySelector<SecurityContext> selector) {
            this.selector = selector;
        }

        /**
         * @param claim the claim that names the user; {@code sub} by default
         * @return this builder
         */
        public Builder userClaim(String claim) {
            this.userClaim = Objects.requireNonNull(claim, "claim");
            return this;
        }

        /**
         * @param value the audience every token must name ({@code aud}); none required by default (the SMS sets none)
         * @return this builder
         */
        public Builder audience(String value) {
            this.audience = value;
            return this;
        }

        /**
         * @param value the issuer every token must name ({@code iss}); none required by default
         * @return this builder
         */
        public Builder issuer(String value) {
            this.issuer = value;
            return this;
        }

        /**
         * @param claim a claim ({@code role}, or a list such as {@code roles})
         * @param value the value, or one of the values, that makes the user an admin (ignoring case)
         * @return this builder
         */
        public Builder adminClaim(String claim, String value) {
            this.adminClaim = Objects.requireNonNull(claim, "claim");
            this.adminValue = Objects.requireNonNull(value, "value");
            return this;
        }

        /**
         * @param value the host's users: a token's user must be there and active, and is an admin when the host says so
         * @return this builder
         */
        public Builder users(HostUsers value) {
            this.users = value;
            return this;
        }

        /** @return the authenticator */
        public JwtAuthenticator build() {
            return new JwtAuthenticator(this);
        }
    }
}
