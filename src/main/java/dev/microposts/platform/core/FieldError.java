package dev.microposts.platform.core;

/** One offending field of a command, request body or query, and what is wrong with it. */
public record FieldError(String field, String message) {}
