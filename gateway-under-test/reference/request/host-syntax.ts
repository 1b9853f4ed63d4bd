/** RFC 9110 §7.2: uri-host [ ":" port ], or empty. Both a Host header and an absolute-form authority must match it. */
export const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::\d*)?$/;
