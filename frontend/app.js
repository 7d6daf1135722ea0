// Repeat-plan gatekeeping: start GOV.UK Frontend, and the session time-out warning.
//
// Loaded as an ES module from base.html (<script type="module">), so it runs
// only in browsers GOV.UK Frontend supports. The CSP is script-src 'self', so
// the usual inline snippet that marks <body> is done here instead.
import { initAll } from './govuk-frontend.min.js'
import { startSessionTimeout } from './session_timeout.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
startSessionTimeout()
