// Repeat-plan gatekeeping: start GOV.UK Frontend, long answers' drafts kept on the server, and the
// session time-out warning.
//
// Loaded as an ES module from base.html (<script type="module">), so it runs
// only in browsers GOV.UK Frontend supports. The CSP is script-src 'self', so
// the usual inline snippet that marks <body> is done here instead.
import { initAll } from './govuk-frontend.min.js'

// The session time-out warning (accounts/: 30 minutes idle ends a session).
//
// A few minutes before the end, a modal dialog says how long is left, with "Stay signed in"
// (a request to the keep-alive URL, which counts as activity) and "Sign out". When the time runs
// out, the page signs out through the time-out URL and comes back here after sign-in.
//
// Drafts: whatever the person has typed into this page's forms is saved to sessionStorage (this
// browser tab only, gone when the tab closes, never sent anywhere) when the warning opens and again
// at sign-out; on the next load of the same page after signing in, it is put back and a banner
// says so. Signing out on purpose clears it. The last activity is shared between tabs through
// localStorage, so a busy tab keeps a quiet one from warning.

const ACTIVITY_KEY = 'gatekeeping.lastActivity'
const DRAFT_PREFIX = 'gatekeeping.draft:'
const DRAFTABLE = 'input:not([type=hidden]):not([type=password]):not([type=file]):not([type=submit]):not([type=button]), textarea, select'

function draftKey () {
  return DRAFT_PREFIX + window.location.pathname
}

function draftForms () {
  return Array.from(document.querySelectorAll('main form[method=post]:not([data-no-draft])'))
}

function saveDraft () {
  const forms = draftForms().map((form) => {
    const fields = {}
    form.querySelectorAll(DRAFTABLE).forEach((field) => {
      if (!field.name) return
      if (field.type === 'checkbox' || field.type === 'radio') {
        if (field.checked) (fields[field.name] = fields[field.name] || []).push(field.value)
      } else {
        fields[field.name] = field.value
      }
    })
    return fields
  })
  if (forms.some((fields) => Object.keys(fields).length)) {
    window.sessionStorage.setItem(draftKey(), JSON.stringify(forms))
  }
}

function clearDrafts () {
  Object.keys(window.sessionStorage)
    .filter((key) => key.startsWith(DRAFT_PREFIX))
    .forEach((key) => window.sessionStorage.removeItem(key))
}

function restoreDraft () {
  const saved = window.sessionStorage.getItem(draftKey())
  if (!saved) return
  window.sessionStorage.removeItem(draftKey())
  const forms = draftForms()
  JSON.parse(saved).forEach((fields, index) => {
    const form = forms[index]
    if (!form) return
    form.querySelectorAll(DRAFTABLE).forEach((field) => {
      if (!(field.name in fields)) return
      const value = fields[field.name]
      if (field.type === 'checkbox' || field.type === 'radio') {
        field.checked = value.includes(field.value)
      } else {
        field.value = value
      }
    })
  })
  const banner = document.querySelector('[data-draft-restored]')
  if (banner) {
    banner.hidden = false
    banner.focus()
  }
}

// Drafts kept on the server: on the decision pages and the sections of the worker's request (a form with
// data-draft-url), each long answer is sent a second after the person stops typing, and all of them when
// the session time-out warning opens. The server keeps them for this person alone and puts them back when
// the page is opened again; saving the form clears them. Pressing the form's button cancels any draft still
// waiting, sends no more, and holds the form back until a draft already on its way has arrived, so that it
// cannot land after the save and come back as a stale draft (the server drops such a draft too:
// conferences/drafts.py). A draft that never answers holds the save back for a few seconds at most.
const DRAFT_DELAY = 1000
const DRAFT_WAIT = 5000
const serverDrafts = []

function startServerDrafts () {
  document.querySelectorAll('main form[data-draft-url]').forEach((form) => {
    const token = form.querySelector('[name=csrfmiddlewaretoken]').value
    const version = form.querySelector('[name$="expected_version"]')
    const status = form.querySelector('[data-draft-status]')
    const textareas = Array.from(form.querySelectorAll('textarea[name]'))
    const waiting = new Set()
    const sending = new Set()
    let timer = null
    let saving = false
    let holding = false
    let released = false

    async function post (field) {
      const body = new URLSearchParams({ field: field.name, text: field.value, version: version ? version.value : '' })
      try {
        const response = await fetch(form.dataset.draftUrl, {
          method: 'POST',
          headers: { 'X-CSRFToken': token },
          body,
          credentials: 'same-origin',
          redirect: 'manual',
          keepalive: true
        })
        return response.ok
      } catch {
        return false
      }
    }

    async function send (fields) {
      if (saving || !fields.length) return
      const sent = Promise.all(fields.map(post))
      sending.add(sent)
      const ok = await sent
      sending.delete(sent)
      if (status && ok.every(Boolean)) {
        const now = new Date()
        const time = now.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })
        status.textContent = `Draft saved at ${time}`
      }
    }

    function sendWaiting () {
      window.clearTimeout(timer)
      const fields = textareas.filter((field) => waiting.has(field))
      waiting.clear()
      send(fields)
    }

    textareas.forEach((field) => field.addEventListener('input', () => {
      waiting.add(field)
      window.clearTimeout(timer)
      timer = window.setTimeout(sendWaiting, DRAFT_DELAY)
    }))
    form.addEventListener('submit', (event) => {
      window.clearTimeout(timer)
      waiting.clear()
      saving = true
      if (released || (!holding && !sending.size)) return
      event.preventDefault()
      if (holding) return // pressed again while held: one save is enough
      holding = true
      const arrived = Promise.allSettled(Array.from(sending))
      const tooLong = new Promise((resolve) => window.setTimeout(resolve, DRAFT_WAIT))
      const button = event.submitter
      Promise.race([arrived, tooLong]).then(() => {
        released = true
        // The same button again, so that its name goes with the form ("Save and come back later"); a click,
        // not requestSubmit, which the older Safari on councils' iPads does not have.
        if (button) button.click()
        else form.submit()
      })
    })
    serverDrafts.push(() => {
      window.clearTimeout(timer)
      waiting.clear()
      return send(textareas.filter((field) => field.value.trim()))
    })
  })
}

function saveServerDrafts () {
  serverDrafts.forEach((save) => save())
}

function inWords (milliseconds) {
  const seconds = Math.max(0, Math.ceil(milliseconds / 1000))
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return minutes === 1 ? '1 minute' : `${minutes} minutes`
  }
  return seconds === 1 ? '1 second' : `${seconds} seconds`
}

function startSessionTimeout () {
  const body = document.body
  const dialog = document.getElementById('session-timeout-warning')
  const idle = Number(body.dataset.sessionIdle) * 1000
  if (!dialog || !idle) return
  restoreDraft()

  const warning = Number(body.dataset.sessionWarning) * 1000
  const countdown = dialog.querySelector('[data-session-countdown]')
  const announce = dialog.querySelector('[data-session-announce]')
  const timedOutForm = dialog.querySelector('[data-session-timed-out]')
  const token = timedOutForm.querySelector('[name=csrfmiddlewaretoken]').value
  const loadedAt = Date.now()
  let signingOut = false
  let announced = ''

  const markActivity = () => window.localStorage.setItem(ACTIVITY_KEY, String(Date.now()))
  const lastActivity = () => Math.max(Number(window.localStorage.getItem(ACTIVITY_KEY)) || 0, loadedAt)
  markActivity()

  function signOut () {
    if (signingOut) return
    signingOut = true
    saveDraft()
    saveServerDrafts()
    timedOutForm.submit()
  }

  async function staySignedIn () {
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        method: 'POST',
        headers: { 'X-CSRFToken': token },
        credentials: 'same-origin',
        redirect: 'manual'
      })
      if (!response.ok) throw new Error('signed out')
    } catch {
      signOut()
      return
    }
    markActivity()
    window.sessionStorage.removeItem(draftKey())
    dialog.close()
  }

  function tick () {
    const left = lastActivity() + idle - Date.now()
    if (left <= 0) {
      signOut()
    } else if (left <= warning) {
      if (!dialog.open) {
        saveDraft()
        saveServerDrafts()
        dialog.showModal()
      }
      const words = inWords(left)
      countdown.textContent = words
      // A screen reader hears the time left once a minute, not every second.
      const spoken = left >= 60000 ? words : (left > 20000 ? 'less than a minute' : 'a few seconds')
      if (spoken !== announced) {
        announced = spoken
        announce.textContent = `You will be signed out in ${spoken}.`
      }
    } else if (dialog.open) {
      dialog.close()
    }
  }

  dialog.querySelector('[data-session-stay]').addEventListener('click', staySignedIn)
  // Escape means "not now": the same as staying signed in.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    staySignedIn()
  })
  document.querySelectorAll('[data-sign-out]').forEach((form) => form.addEventListener('submit', clearDrafts))
  window.setInterval(tick, 1000)
}

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
startServerDrafts()
startSessionTimeout()
