package org.smsexport.rest;

import java.util.Objects;

/**
 * Who calls the API.
 *
 * @param name  the user id: the owner of the jobs and schedules they create
 * @param admin whether they see every user's jobs and schedules
 */
public record ApiUser(String name, boolean admin) {
    /** Checks the name. */
    public ApiUser {
        Objects.requireNonNull(name, "name");
    }
}
