package io.outpost.apiserver.admission;

/** What a request does to its object, as admission sees it ({@code admission.Operation}). */
public enum Operation {
    CREATE, UPDATE, DELETE, CONNECT
}
