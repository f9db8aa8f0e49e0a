/** A deterministic generator of realistic SMS data. */
package org.smsexport.sample;
