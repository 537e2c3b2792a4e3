// Swagger UI on the node's own document; "Authorize" takes an operator's bearer token for "Try it out".
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: new URL("../../openapi.json", window.location.href).toString(),
    dom_id: "#swagger-ui",
    deepLinking: true
  });
});
