/** The exports web page, served from the jar: {@link org.smsexport.web.WebUi}. */
module org.smsexport.web {
    requires transitive org.smsexport.rest;

    exports org.smsexport.web;
}
