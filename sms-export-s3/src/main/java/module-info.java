/**
 * sms-export-s3: an {@link org.smsexport.spi.ExportStorage} in an S3 bucket, on the AWS SDK for Java v2. Selected by
 * {@code EXPORT_STORAGE=s3}.
 */
module org.smsexport.s3storage {
    requires transitive org.smsexport.api;
    requires software.amazon.awssdk.services.s3;
    requires transitive software.amazon.awssdk.auth;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.http.apache5;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.utils;

    exports org.smsexport.s3;

    provides org.smsexport.spi.StorageProvider with org.smsexport.s3.S3Storage.Provider;
}
