package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    @Test
    void masksPasswordsInParametersAndUserInfoButNothingElse() {
        assertThat(JdbcUrls.mask("No suitable driver found for jdbc:postgres://h/db?user=u&password=TopSecret1"))
                .isEqualTo("No suitable driver found for jdbc:postgres://h/db?user=u&password=***");
        assertThat(JdbcUrls.mask("jdbc:h2:file:/x/db;USER=sa;PASSWORD=s3cret;AUTO_SERVER=TRUE"))
                .isEqualTo("jdbc:h2:file:/x/db;USER=sa;PASSWORD=***;AUTO_SERVER=TRUE");
        assertThat(JdbcUrls.mask("jdbc:postgresql://alice:Top:Secret@db.example:5432/sms")).isEqualTo("jdbc:postgresql://alice:***@db.example:5432/sms");
        assertThat(JdbcUrls.mask("jdbc:mysql://h/db?pwd=x&sslpassword=y")).isEqualTo("jdbc:mysql://h/db?pwd=***&sslpassword=***");
        assertThat(JdbcUrls.mask(JdbcUrls.mask("…?password=abc."))).isEqualTo("…?password=***");
        assertThat(JdbcUrls.mask("jdbc:postgresql://db.example:5432/sms?user=alice")).isEqualTo("jdbc:postgresql://db.example:5432/sms?user=alice");
        assertThat(JdbcUrls.mask(null)).isNull();
    }
}
