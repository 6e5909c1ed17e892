package dev.caravan.admin;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The admin API's error answer: {@code {"error": "<code>", "message": "...", "field": "<fieldName>"}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String error, String message, String field) {}
