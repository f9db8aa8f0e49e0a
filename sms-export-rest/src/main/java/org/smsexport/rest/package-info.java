/** The original system's export REST API, independent of any HTTP server. */
package org.smsexport.rest;
