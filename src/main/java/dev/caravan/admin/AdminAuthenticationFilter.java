package dev.caravan.admin;

import dev.caravan.userstore.LoginName;
import dev.caravan.userstore.LoginThrottle;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP Basic authentication of every request under {@code /api/v1}, before Spring MVC sees
 * it: unknown paths answer 401 too, so they reveal nothing. The principal travels as a
 * request attribute; {@link AdminAuthorizationInterceptor} decides what it may do.
 */
class AdminAuthenticationFilter extends OncePerRequestFilter {
    static final String CHALLENGE = "Basic realm=\"caravan-admin\"";
    private static final Logger LOG = LoggerFactory.getLogger(AdminAuthenticationFilter.class);

    private final AdminAuthenticator authenticator;
    private final LoginThrottle throttle;
    private final ObjectMapper json;

    AdminAuthenticationFilter(AdminAuthenticator authenticator, LoginThrottle throttle, ObjectMapper json) {
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        List<String> headers = Collections.list(request.getHeaders(HttpHeaders.AUTHORIZATION));
        if (headers.isEmpty()) {
            unauthorized(response, "authentication is required");
            return;
        }
        BasicCredentials credentials = headers.size() == 1 ? BasicCredentials.parse(headers.get(0)) : null;
        if (credentials == null) {
            unauthorized(response, "malformed HTTP Basic credentials");
            return;
        }
        String ip = request.getRemoteAddr();
        String key = LoginName.throttleKey(credentials.username()); // every spelling of one name counts once
        if (throttle.blocked(key, ip)) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(throttle.window().toSeconds()));
            write(response, HttpStatus.TOO_MANY_REQUESTS.value(),
                    new ErrorBody("too_many_requests", "too many failed logins; try again later", null));
            return;
        }
        Optional<AdminPrincipal> principal;
        try {
            principal = authenticator.authenticate(credentials);
        } catch (RuntimeException e) {
            if (!dev.caravan.registry.Db.unavailable(e)) {
                throw e;
            }
            // a publisher is looked up in the database: no answer about the credentials, no failure counted
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            write(response, HttpStatus.SERVICE_UNAVAILABLE.value(),
                    new ErrorBody("temporarily_unavailable", "the database cannot be reached; try again later", null));
            return;
        }
        if (principal.isEmpty()) {
            throttle.failed(key, ip);
            LOG.info("admin API authentication failed from {}", ip);
            unauthorized(response, "the credentials are not valid");
            return;
        }
        throttle.succeeded(key);
        request.setAttribute(AdminPrincipal.ATTRIBUTE, principal.get());
        chain.doFilter(request, response);
    }

    private void unauthorized(HttpServletResponse response, String message) throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        write(response, HttpServletResponse.SC_UNAUTHORIZED, new ErrorBody("unauthorized", message, null));
    }

    private void write(HttpServletResponse response, int status, ErrorBody body) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        json.writeValue(response.getOutputStream(), body);
    }
}
