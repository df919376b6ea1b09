package dev.microposts.platform.core;

import java.util.List;
import java.util.stream.Collectors;

/** A command broke a rule of the module; each offending field says which. */
public class InvalidInput extends DomainException {

    public InvalidInput(List<FieldError> errors) {
        super(
                Kind.INVALID,
                "The request is invalid: "
                        + errors.stream()
                                .map(e -> e.field() + " " + e.message())
                                .collect(Collectors.joining("; ")),
                errors,
                null);
    }

    public InvalidInput(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }
}
