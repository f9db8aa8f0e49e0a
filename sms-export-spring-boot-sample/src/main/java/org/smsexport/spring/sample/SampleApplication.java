package org.smsexport.spring.sample;

import javax.sql.DataSource;
import org.smsexport.jdbc.SampleData;
import org.smsexport.jdbc.SmsSchema;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;

/**
 * A school's Spring Boot application with sms-export: the starter over an H2 file database (the demo's tables and
 * data on first start), HTTP Basic users, Actuator. {@code java -jar sms-export-spring-boot-sample.jar}.
 */
@SpringBootApplication
public class SampleApplication {

    /** Students loaded into an empty database on first start. */
    static final int STUDENTS = 2_000;

    /**
     * @param args Spring Boot's arguments, e.g. {@code --server.port=8080}
     */
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }

    /** The demo's SMS tables and data, once: a school's own database has its own. */
    @Bean
    @Order(0)
    ApplicationRunner loadSampleData(DataSource db) {
        return args -> {
            try (var c = db.getConnection(); var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM students")) {
                rs.next();
                return; // the tables are there (H2, PostgreSQL: whatever case the database keeps names in)
            } catch (java.sql.SQLException missing) {
                SampleData.load(db, SmsSchema.standard(), STUDENTS);
            }
        };
    }

    @Bean
    UserDetailsService users() {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password(encoder.encode("alice-password")).roles("USER").build(),
                User.withUsername("bob").password(encoder.encode("bob-password")).roles("USER").build(),
                User.withUsername("admin").password(encoder.encode("admin-password")).roles("USER", "ADMIN").build());
    }

    /**
     * What a host with browser users should configure: HTTP Basic (or a form login) with Spring Security's CSRF
     * protection on, its token in a cookie the exports page sends back as {@code X-XSRF-TOKEN}; Actuator's details
     * and meters for administrators only. (An API used only by scripts with bearer tokens and no session may turn
     * CSRF off; sms-export's API refuses cross-site requests itself either way.)
     */
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        CsrfTokenRequestAttributeHandler tokens = new CsrfTokenRequestAttributeHandler();
        tokens.setCsrfRequestAttributeName(null); // loaded on every request, so the cookie is there before the first POST
        http.authorizeHttpRequests(a -> a
                        // signed links carry their own proof; health (status only) answers load balancers
                        .requestMatchers("/api/v1/export-jobs/*/download", "/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/actuator/**").hasRole("ADMIN")
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .csrf(c -> c.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse()).csrfTokenRequestHandler(tokens));
        return http.build();
    }
}
