package io.outpost.apiserver.auth;

import io.outpost.apiserver.http.UserInfo;

/** The outcome of authenticating a request. */
public sealed interface Authentication {

    /** The credentials prove {@code user}. */
    record Authenticated(UserInfo user) implements Authentication {
    }

    /**
     * No credentials at all: the transport lets the request through as {@link #ANONYMOUS_USER}
     * only to the public-info paths, and answers 401 elsewhere.
     */
    record Anonymous() implements Authentication {
    }

    /** Credentials were presented and are not valid: always 401. {@code reason} is for the log only. */
    record Rejected(String reason) implements Authentication {
    }

    UserInfo ANONYMOUS_USER = new UserInfo("system:anonymous", java.util.List.of("system:unauthenticated"));
}
