/** The exports web page. */
package org.smsexport.web;
