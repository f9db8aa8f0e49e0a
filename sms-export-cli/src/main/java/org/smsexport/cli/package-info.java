/** The sms-export command line: the reference host application ({@link org.smsexport.cli.Main}). */
package org.smsexport.cli;
