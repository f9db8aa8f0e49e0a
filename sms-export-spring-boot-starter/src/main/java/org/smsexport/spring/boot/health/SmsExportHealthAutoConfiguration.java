package org.smsexport.spring.boot.health;

import org.smsexport.spring.boot.SmsExportAutoConfiguration;
import org.smsexport.spring.boot.SmsExportHealth;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.annotation.Bean;

/**
 * Actuator's {@code smsExport} health component on Spring Boot 4, whose health API is
 * {@code org.springframework.boot.health.contributor}: {@link SmsExportHealth} as a health indicator.
 */
@AutoConfiguration(after = SmsExportAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(SmsExportHealth.class)
public class SmsExportHealthAutoConfiguration {

    /** Creates the configuration (Spring does). */
    public SmsExportHealthAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean(name = "smsExportHealthIndicator")
    Indicator smsExportHealthIndicator(SmsExportHealth health) {
        return new Indicator(health);
    }

    /** The check as Boot 4's health API has it. */
    static final class Indicator extends AbstractHealthIndicator {
        private final SmsExportHealth health;

        Indicator(SmsExportHealth health) {
            super("sms-export health check failed");
            this.health = health;
        }

        @Override
        protected void doHealthCheck(Health.Builder builder) {
            SmsExportHealth.Check c = health.check();
            (c.up() ? builder.up() : builder.down()).withDetails(c.details());
        }
    }
}
