// NUI of cad_mdt: the incoming-call overlay, the command forms, and alert sounds.
(function () {
  'use strict';
  const resource = typeof GetParentResourceName === 'function' ? GetParentResourceName() : 'cad_mdt';
  const $ = (id) => document.getElementById(id);
  let currentForm = null;

  function post(name, data) {
    return fetch(`https://${resource}/${name}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json; charset=UTF-8' }, body: JSON.stringify(data || {}),
    }).catch(() => null);
  }

  // The community's sound (GET /fivem/sounds): its uploaded file, else the bundled beep.
  function play(sound) {
    if (!sound || sound.enabled === false) return;
    const volume = Math.max(0, Math.min(1, Number(sound.volume ?? 0.7)));
    if (sound.custom_url) {
      const audio = new Audio(sound.custom_url);
      audio.volume = volume;
      audio.play().catch(() => beep(volume));
    } else {
      beep(volume);
    }
  }

  function beep(volume) {
    const ctx = new (window.AudioContext || window.webkitAudioContext)();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.value = volume * 0.3;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.35);
  }

  function showIncoming(call, keys) {
    const box = $('incoming');
    box.className = `incoming priority-${call.priority || 2}`;
    $('incoming-title').textContent = `Call #${call.call_number}: ${call.title || ''}`;
    $('incoming-where').textContent = [call.location, call.postal && `postal ${call.postal}`].filter(Boolean).join(' - ');
    $('key-respond').textContent = keys.respond;
    $('key-dismiss').textContent = keys.dismiss;
    box.hidden = false;
  }

  function openForm(form) {
    currentForm = form;
    $('form-title').textContent = form.title;
    const holder = $('form-fields');
    holder.replaceChildren();
    for (const field of form.fields) {
      const label = document.createElement('label');
      label.textContent = field.label;
      label.htmlFor = `f-${field.name}`;
      let input;
      if (field.kind === 'textarea') {
        input = document.createElement('textarea');
      } else if (field.kind === 'select') {
        input = document.createElement('select');
        for (const option of field.options || []) input.add(new Option(option.replace(/_/g, ' '), option));
      } else {
        input = document.createElement('input');
        input.type = field.kind === 'number' ? 'number' : 'text';
      }
      input.id = `f-${field.name}`;
      input.name = field.name;
      input.required = !!field.required;
      holder.append(label, input);
    }
    $('form').hidden = false;
    const first = holder.querySelector('input, textarea, select');
    if (first) first.focus();
  }

  function closeForm() {
    $('form').hidden = true;
    currentForm = null;
  }

  $('form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!currentForm) return;
    const values = Object.fromEntries(new FormData($('form')).entries());
    post('submitForm', { name: currentForm.name, values });
    closeForm();
  });
  $('form-cancel').addEventListener('click', () => { post('closeForm'); closeForm(); });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && currentForm) { post('closeForm'); closeForm(); }
  });

  window.addEventListener('message', (event) => {
    const msg = event.data || {};
    if (msg.type === 'incoming:show') { showIncoming(msg.call, msg.keys); play(msg.sound); }
    else if (msg.type === 'incoming:hide') { $('incoming').hidden = true; }
    else if (msg.type === 'form:open') { openForm(msg.form); }
    else if (msg.type === 'sound') { play(msg.sound); }
  });
}());
