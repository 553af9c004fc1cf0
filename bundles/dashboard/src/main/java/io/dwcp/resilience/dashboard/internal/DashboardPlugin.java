package io.dwcp.resilience.dashboard.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The DWCP page of the Apache Felix Web Console (and so of Karaf's WebConsole, which is the Felix one):
 * a plain servlet service with the {@code felix.webconsole.*} properties, so it needs no import of
 * the console's API and the console's own authentication guards it in both containers.
 *
 * <p>Addresses, under the console's root ({@code /system/console}):
 * <ul>
 * <li>{@code GET /dwcp} — the page (the console wraps it in its header and navigation);</li>
 * <li>{@code GET /dwcp/model.json?since=<ms>} — the live model, polled by the page every second;</li>
 * <li>{@code GET /dwcp/res/...} — the page's script, style and charting library, from this bundle;</li>
 * <li>{@code POST /dwcp/action} — an admin action (form fields), audited.</li>
 * </ul>
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + DashboardPlugin.LABEL,
        "felix.webconsole.title=DWCP",
        "felix.webconsole.category=DWCP"})
public final class DashboardPlugin extends HttpServlet {

    static final String LABEL = "dwcp";
    /**
     * Header every action request must carry. A cross-site form cannot set a header, and a cross-site
     * script may not without a CORS preflight that nothing here answers: together with the console's
     * login this keeps another site from acting with an admin's session.
     */
    static final String ACTION_HEADER = "X-DWCP-Action";

    private static final long serialVersionUID = 1L;
    private static final String RESOURCES = "/" + LABEL + "/res/";
    /** Request attribute of the OSGi HTTP service: the user the context's security check let in. */
    private static final String REMOTE_USER = "org.osgi.service.http.authentication.remote.user";
    /** Request attribute of the Felix Web Console: the console's root path. */
    private static final String APP_ROOT = "felix.webconsole.appRoot";

    @Reference
    private transient LiveModel model;

    private transient Bundle bundle;
    private transient AdminActions actions;

    @Activate
    void activate(BundleContext context) {
        bundle = context.getBundle();
        actions = new AdminActions(model);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        if (path.equals("/" + LABEL) || path.equals("/" + LABEL + "/")) {
            writePage(req, resp);
        } else if (path.equals("/" + LABEL + "/model.json")) {
            long since = parseSince(req.getParameter("since"));
            resp.setContentType("application/json");
            resp.setCharacterEncoding("UTF-8");
            resp.setHeader("Cache-Control", "no-store");
            resp.getWriter().write(model.modelJson(since));
        } else {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        if (!path.equals("/" + LABEL + "/action")) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        if (req.getHeader(ACTION_HEADER) == null) {
            resp.setStatus(HttpServletResponse.SC_FORBIDDEN);
            resp.getWriter().write(new Json().beginObject().field("ok", false)
                    .field("error", "actions are taken from the dashboard page only (header " + ACTION_HEADER
                            + " missing)").endObject().toString());
            return;
        }
        Map<String, String> params = new HashMap<>();
        req.getParameterMap().forEach((k, v) -> params.put(k, v.length == 0 ? "" : v[0]));
        String user = user(req);
        String address = req.getRemoteAddr();
        Json json = new Json().beginObject();
        try {
            json.field("ok", true).field("message", actions.perform(params.get("action"), params, user, address));
        } catch (IllegalArgumentException | IllegalStateException e) {
            resp.setStatus(e instanceof IllegalArgumentException ? HttpServletResponse.SC_BAD_REQUEST
                    : HttpServletResponse.SC_CONFLICT);
            json.field("ok", false).field("error", String.valueOf(e.getMessage()));
        }
        resp.getWriter().write(json.endObject().toString());
    }

    /**
     * Called by the Web Console (by reflection) for every GET under the plugin's label: a URL for the
     * static resources this bundle carries, null for anything else.
     */
    public URL getResource(String path) {
        if (path == null || !path.startsWith(RESOURCES) || path.contains("..")) {
            return null;
        }
        return bundle.getEntry("/res/" + path.substring(RESOURCES.length()));
    }

    private void writePage(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object root = req.getAttribute(APP_ROOT);
        String base = (root != null ? root.toString() : req.getContextPath() + req.getServletPath()) + "/" + LABEL;
        String html;
        try (InputStream in = bundle.getEntry("/res/dashboard.html").openStream()) {
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        resp.setContentType("text/html");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(html.replace("{{base}}", escapeAttribute(base)));
    }

    private static String user(HttpServletRequest req) {
        Object u = req.getAttribute(REMOTE_USER);
        if (u == null) {
            u = req.getRemoteUser();
        }
        return u == null ? "unknown" : u.toString();
    }

    private static long parseSince(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String escapeAttribute(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
