// Census import page: show the run's progress without reloading the page.
//
// Polls the run's status (JSON) every two seconds while it is queued or running, updates the
// <progress> bar and the live text, and stops when the run has finished, offering a link to
// the results. Without JavaScript the page's "Check progress" link does the same by hand.
const box = document.querySelector('[data-import-status-url]')

if (box) {
  const bar = box.querySelector('progress')
  const text = box.querySelector('[data-import-status-text]')
  const poll = async () => {
    let run
    try {
      const response = await fetch(box.dataset.importStatusUrl, { headers: { Accept: 'application/json' } })
      if (!response.ok) return
      run = await response.json()
    } catch {
      return
    }
    bar.value = run.progress
    bar.textContent = `${run.progress}%`
    if (run.active) {
      text.textContent = `${run.status_display}: ${run.progress}% of the file read, ${run.children_read} children so far.`
      return true
    }
    text.textContent = `${run.status_display}: ${run.children_read} children read, ${run.children_rejected} rejected. `
    const link = document.createElement('a')
    link.className = 'govuk-link'
    link.href = run.url
    link.textContent = 'Show the results'
    text.append(link)
    return false
  }
  const timer = setInterval(async () => {
    if ((await poll()) === false) clearInterval(timer)
  }, 2000)
}
