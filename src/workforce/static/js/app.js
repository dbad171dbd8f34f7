// SEND Workforce: start GOV.UK Frontend's components, and start them again in content that htmx swaps in.
// An external module (never inline script) so the Content-Security-Policy can forbid inline scripts.
import { initAll } from '../govuk/govuk-frontend.min.js'

function reportError (error) {
  // A component htmx left in place is already initialised: that is expected, not an error.
  if (error && error.name === 'InitError') return
  console.error(error)
}

initAll({ onError: reportError })

document.addEventListener('htmx:load', function (event) {
  const element = event.detail && event.detail.elt
  if (!element || element === document.body) return
  initAll({ scope: element.parentElement || element, onError: reportError })
})
