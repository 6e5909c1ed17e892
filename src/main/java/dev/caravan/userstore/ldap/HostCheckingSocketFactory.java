package dev.caravan.userstore.ldap;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS sockets towards a directory that check, during the handshake, that the server's
 * certificate names the host the connection was made to: the JDK's endpoint identification
 * ({@code LDAPS}, RFC 2830 / RFC 6125 rules), the same check an HTTPS client makes. A host given
 * as an IP address must be an IP address entry of the certificate's subject alternative names;
 * a DNS name must match a DNS entry.
 *
 * <p>Why not UnboundID's {@code HostNameSSLSocketVerifier}: it takes any certificate as valid for
 * a loopback address ({@code 127.0.0.1}, {@code ::1}) whatever names it holds, and it also accepts
 * the subject's CN when the certificate lists other names. Every socket made here, for
 * {@code ldaps://} and for the StartTLS upgrade of an {@code ldap://} connection, is checked the
 * same way, on pooled and test connections alike.
 */
final class HostCheckingSocketFactory extends SSLSocketFactory {
    static final String ENDPOINT_IDENTIFICATION = "LDAPS";

    private final SSLSocketFactory delegate;

    HostCheckingSocketFactory(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    private static Socket checked(Socket socket) {
        if (socket instanceof SSLSocket tls) {
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm(ENDPOINT_IDENTIFICATION);
            tls.setSSLParameters(parameters);
        }
        return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return checked(delegate.createSocket());
    }

    /** The StartTLS upgrade: {@code host} is the one of the directory's URL. */
    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
        return checked(delegate.createSocket(plain, host, port, autoClose));
    }

    @Override
    public Socket createSocket(Socket plain, InputStream consumed, boolean autoClose) throws IOException {
        return checked(delegate.createSocket(plain, consumed, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return checked(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return checked(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return checked(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return checked(delegate.createSocket(address, port, localAddress, localPort));
    }
}
