/** {@link org.smsexport.mail.MailNotifier}: export outcomes mailed over SMTP, configured like the original system. */
package org.smsexport.mail;
